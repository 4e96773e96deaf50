import { selectList } from '../db/columns';
import { EventTable, FeedEntryTable, type EventRow } from '../generated/model';
import type { Prisma } from '../generated/prisma/client';

/**
 * addEvent in one round trip (bw_add_event of prisma/migrations/20261203050000_write_functions):
 * $1 the validated input as JSON, its countryCodes every country involved. Columns under the model's
 * field names, prefixed by record.
 */
export const ADD_EVENT = `SELECT ${selectList(EventTable.columns, '(r.recorded)', 'event.')}, ${selectList(FeedEntryTable.columns, '(r.entry)', 'entry.')}
  FROM bw_add_event($1::jsonb) AS r`;

const INSERT_EVENT = `SELECT ${selectList(EventTable.columns, 'e')} FROM bw_insert_event($1::jsonb) AS e`;

/** The event alone (bw_insert_event), inside a caller's transaction that appends its feed entry itself. */
export async function insertEvent(tx: Prisma.TransactionClient, input: string): Promise<EventRow> {
  const [event] = await tx.$queryRawUnsafe<EventRow[]>(INSERT_EVENT, input);
  return event!;
}
