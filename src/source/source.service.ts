import type { SqlReader } from '../db/sql';
import type { Source } from '../generated/prisma/client';

/** A source with the id of the record it supports. */
export interface SourceLink {
  ownerId: string;
  value: Source;
}

const SOURCE_COLUMNS = `s.id, s.url, s.title, s.publisher, s.published_at AS "publishedAt", s.retrieved_at AS "retrievedAt"`;

/** Sources of many records at once: one statement per kind of record (link and source joined). */
export class SourceService {
  constructor(private readonly sql: SqlReader) {}

  ofPolicies(ids: readonly string[]): Promise<SourceLink[]> {
    return this.linked('policy_source', 'policy_id', ids);
  }

  ofStatements(ids: readonly string[]): Promise<SourceLink[]> {
    return this.linked('statement_source', 'statement_id', ids);
  }

  ofEvents(ids: readonly string[]): Promise<SourceLink[]> {
    return this.linked('event_source', 'event_id', ids);
  }

  private async linked(table: string, ownerColumn: string, ids: readonly string[]): Promise<SourceLink[]> {
    // Ordered as the link rows were before (by owner, then source id), so a record's sources keep one order.
    const rows = await this.sql.rows<Source & { ownerId: string }>(
      `SELECT l.${ownerColumn} AS "ownerId", ${SOURCE_COLUMNS}
       FROM ${table} l JOIN source s ON s.id = l.source_id
       WHERE l.${ownerColumn} = ANY($1::uuid[])
       ORDER BY l.${ownerColumn}, l.source_id`,
      [ids],
      { prepare: true },
    );
    return rows.map(({ ownerId, ...source }) => ({ ownerId, value: source }));
  }
}
