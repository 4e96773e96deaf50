import { columnsAt, selectList } from '../db/columns';
import type { Sql } from '../db/sql';
import { SourceTable } from '../generated/model';
import type { Source } from '../generated/prisma/client';

export type SourcedKind = 'policy' | 'statement' | 'event';

/** A source with the record it supports, as `<kind>:<id>`. */
export interface SourceLink {
  ownerId: string;
  value: Source;
}

const s = columnsAt(SourceTable, 's');
const SOURCE_COLUMNS = selectList(SourceTable.columns, 's');
const LINKS: Record<SourcedKind, { table: string; owner: string }> = {
  policy: { table: 'policy_source', owner: 'policy_id' },
  statement: { table: 'statement_source', owner: 'statement_id' },
  event: { table: 'event_source', owner: 'event_id' },
};

export const sourceKey = (kind: SourcedKind, id: string) => `${kind}:${id}`;

/**
 * The sources of any mix of policies, statements and events in one
 * statement, in the order each record's sources were given.
 */
export class SourceService {
  constructor(private readonly sql: Sql) {}

  byIds(ids: readonly string[]): Promise<Source[]> {
    return this.sql.rows(`SELECT ${SOURCE_COLUMNS} FROM source s WHERE s.id = ANY($1::uuid[])`, [ids]);
  }

  async of(keys: readonly string[]): Promise<SourceLink[]> {
    const ids: Record<SourcedKind, string[]> = { policy: [], statement: [], event: [] };
    for (const key of keys) {
      const [kind, id] = key.split(':') as [SourcedKind, string];
      ids[kind].push(id);
    }
    const parts = (Object.keys(LINKS) as SourcedKind[]).map(
      (kind, index) => `SELECT '${kind}:' || l.${LINKS[kind].owner} AS "ownerId", l.position, ${SOURCE_COLUMNS}
         FROM ${LINKS[kind].table} l JOIN source s ON ${s.id} = l.source_id WHERE l.${LINKS[kind].owner} = ANY($${index + 1}::uuid[])`,
    );
    const rows = await this.sql.rows<Source & { ownerId: string; position: number }>(
      `${parts.join('\nUNION ALL\n')}\nORDER BY "ownerId", position, url`,
      [ids.policy, ids.statement, ids.event],
    );
    return rows.map(({ ownerId, position: _position, ...value }) => ({ ownerId, value }));
  }
}
