import { columnsAt, selectList } from '../db/columns';
import type { Sql } from '../db/sql';
import { FeedCounterTable, FeedEntryTable, type FeedEntryRow } from '../generated/model';

/* The relay's reads (src/feed/feed.relay.ts): the feed after a sequence number, and the counter. */

const f = columnsAt(FeedEntryTable, 'f');
const c = columnsAt(FeedCounterTable, 'c');

/** Entries after a sequence number. Commits follow the numbers, so what a read sees is always a gapless run. */
const ENTRIES_AFTER = `SELECT ${selectList(FeedEntryTable.columns, 'f')} FROM ${FeedEntryTable.table} f WHERE ${f.seq} > $1 ORDER BY ${f.seq} LIMIT $2`;
/** The feed counter's one row (id 1): the last number handed out, so everything up to it is committed or will be. */
const COUNTER = `SELECT ${c.value} AS value FROM ${FeedCounterTable.table} c WHERE ${c.id} = 1`;

/** Up to `limit` entries after `seq`, in order. */
export function selectEntriesAfter(sql: Sql, seq: bigint, limit: number): Promise<FeedEntryRow[]> {
  return sql.rows<FeedEntryRow>(ENTRIES_AFTER, [seq.toString(), limit]);
}

/** The last sequence number handed out; undefined when the counter row is missing. */
export async function selectFeedCounter(sql: Sql): Promise<bigint | undefined> {
  return (await sql.one<{ value: bigint }>(COUNTER))?.value;
}
