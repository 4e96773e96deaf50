import { selectList } from '../db/columns';
import { FeedEntryTable, StatementTable, type StatementRow } from '../generated/model';
import type { Prisma } from '../generated/prisma/client';

/**
 * addStatement in one round trip (bw_add_statement of prisma/migrations/20261203050000_write_functions):
 * $1 the validated input as JSON. Columns under the model's field names, prefixed by record.
 */
export const ADD_STATEMENT = `SELECT ${selectList(StatementTable.columns, '(r.recorded)', 'statement.')}, ${selectList(FeedEntryTable.columns, '(r.entry)', 'entry.')}
  FROM bw_add_statement($1::jsonb) AS r`;

const INSERT_STATEMENT = `SELECT ${selectList(StatementTable.columns, 's')} FROM bw_insert_statement($1::jsonb) AS s`;

/** The statement alone (bw_insert_statement), inside a caller's transaction that appends its feed entry itself. */
export async function insertStatement(tx: Prisma.TransactionClient, input: string): Promise<StatementRow> {
  const [statement] = await tx.$queryRawUnsafe<StatementRow[]>(INSERT_STATEMENT, input);
  return statement!;
}
