import { selectList } from '../db/columns';
import { EventTable, FeedEntryTable } from '../generated/model';

/**
 * addEvent in one round trip (bw_add_event of prisma/migrations/20261203050000_write_functions):
 * $1 the validated input as JSON, its countryCodes every country involved. Columns under the model's
 * field names, prefixed by record.
 */
export const ADD_EVENT = `SELECT ${selectList(EventTable.columns, '(r.recorded)', 'event.')}, ${selectList(FeedEntryTable.columns, '(r.entry)', 'entry.')}
  FROM bw_add_event($1::jsonb) AS r`;

/** The event alone, for a caller that appends its feed entry itself in its own transaction. */
export const INSERT_EVENT = `SELECT ${selectList(EventTable.columns, 'e')} FROM bw_insert_event($1::jsonb) AS e`;
