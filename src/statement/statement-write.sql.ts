import { selectList } from '../db/columns';
import { FeedEntryTable, StatementTable } from '../generated/model';

/**
 * addStatement in one round trip (bw_add_statement of prisma/migrations/20261203050000_write_functions):
 * $1 the validated input as JSON. Columns under the model's field names, prefixed by record.
 */
export const ADD_STATEMENT = `SELECT ${selectList(StatementTable.columns, '(r.recorded)', 'statement.')}, ${selectList(FeedEntryTable.columns, '(r.entry)', 'entry.')}
  FROM bw_add_statement($1::jsonb) AS r`;

/** The statement alone, for a caller that appends its feed entry itself in its own transaction. */
export const INSERT_STATEMENT = `SELECT ${selectList(StatementTable.columns, 's')} FROM bw_insert_statement($1::jsonb) AS s`;
