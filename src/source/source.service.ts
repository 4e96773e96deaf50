import type { Sql } from '../db/sql';
import type { SourceRow as Source } from '../generated/model';
import { SOURCES_BY_IDS, SOURCES_OF, type SourcedKind } from './source.sql';

export type { SourcedKind } from './source.sql';

/** A source with the record it supports, as `<kind>:<id>`. */
export interface SourceLink {
  ownerId: string;
  value: Source;
}

export const sourceKey = (kind: SourcedKind, id: string) => `${kind}:${id}`;

/**
 * The sources of any mix of policies, statements and events in one
 * statement, in the order each record's sources were given.
 */
export class SourceService {
  constructor(private readonly sql: Sql) {}

  byIds(ids: readonly string[]): Promise<Source[]> {
    return this.sql.rows(SOURCES_BY_IDS, [ids]);
  }

  async of(keys: readonly string[]): Promise<SourceLink[]> {
    const ids: Record<SourcedKind, string[]> = { policy: [], statement: [], event: [] };
    for (const key of keys) {
      const [kind, id] = key.split(':') as [SourcedKind, string];
      ids[kind].push(id);
    }
    const rows = await this.sql.rows<Source & { ownerId: string; position: number }>(SOURCES_OF, [ids.policy, ids.statement, ids.event]);
    return rows.map(({ ownerId, position: _position, ...value }) => ({ ownerId, value }));
  }
}
