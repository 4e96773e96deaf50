import { selectList } from '../db/columns';
import { FeedEntryTable } from '../generated/model';
import type { FeedEntry, Prisma } from '../generated/prisma/client';

/**
 * The feed append (bw_append_feed of prisma/migrations/20261203050000_write_functions, the one place
 * feed numbers are given), inside `tx`: `entries` a JSON array of their columns and `ord`. The entries
 * as written, under the model's field names.
 */
const APPEND_FEED = `SELECT ${selectList(FeedEntryTable.columns, 'f')} FROM bw_append_feed($1::jsonb) AS f ORDER BY f.seq`;

export function appendFeedRows(tx: Prisma.TransactionClient, entries: string): Promise<FeedEntry[]> {
  return tx.$queryRawUnsafe<FeedEntry[]>(APPEND_FEED, entries);
}
