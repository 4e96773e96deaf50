import type { Sql } from '../db/sql';
import type { Source } from '../generated/prisma/client';

/** A source with the id of the record it supports. */
export interface SourceLink {
  ownerId: string;
  value: Source;
}

const SOURCE_COLUMNS = `s.id, s.url, s.title, s.publisher, s.published_at AS "publishedAt", s.retrieved_at AS "retrievedAt"`;

/** Sources of many records at once: one statement per kind of record. */
export class SourceService {
  constructor(private readonly sql: Sql) {}

  ofPolicies(ids: readonly string[]): Promise<SourceLink[]> {
    return this.links('policy_source', 'policy_id', ids);
  }

  ofStatements(ids: readonly string[]): Promise<SourceLink[]> {
    return this.links('statement_source', 'statement_id', ids);
  }

  ofEvents(ids: readonly string[]): Promise<SourceLink[]> {
    return this.links('event_source', 'event_id', ids);
  }

  private async links(table: string, owner: string, ids: readonly string[]): Promise<SourceLink[]> {
    const rows = await this.sql.rows<Source & { ownerId: string }>(
      `SELECT l.${owner} AS "ownerId", ${SOURCE_COLUMNS} FROM ${table} l JOIN source s ON s.id = l.source_id
       WHERE l.${owner} = ANY($1::uuid[]) ORDER BY l.position, s.url`,
      [ids],
    );
    return rows.map(({ ownerId, ...value }) => ({ ownerId, value }));
  }
}
