import { selectList } from '../db/columns';
import { ApiTokenTable, type ApiTokenRow } from '../generated/model';
import type { Sql } from '../db/sql';

const t = ApiTokenTable.columns;

/** The token with this hash: every write checks one, so it is a prepared statement, not a Prisma query. */
const BY_HASH = `SELECT ${selectList(ApiTokenTable.columns, 't')} FROM ${ApiTokenTable.table} t WHERE t.${t.hash} = $1`;

export function tokenByHash(sql: Sql, hash: string): Promise<ApiTokenRow | undefined> {
  return sql.one<ApiTokenRow>(BY_HASH, [hash]);
}
