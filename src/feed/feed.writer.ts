import type { ChangeDirection, FeedKind, PolicyCategory, PolicyStatus, RecordType } from '../common/enums';
import type { FeedEntryColumn } from '../generated/model';
import type { FeedEntry, Prisma } from '../generated/prisma/client';
import { appendFeedRows } from './feed.writer.sql';

export interface NewFeedEntry {
  kind: FeedKind;
  nationality?: string | null;
  countryCodes: string[];
  policyId?: string | null;
  previousPolicyId?: string | null;
  direction?: ChangeDirection | null;
  category?: PolicyCategory | null;
  status?: PolicyStatus | null;
  statementId?: string | null;
  eventId?: string | null;
  retractedType?: RecordType | null;
  retractedId?: string | null;
  reason?: string | null;
}

type Tx = Prisma.TransactionClient;

/** What a caller gives for each entry, by column: the counter and the clock give the rest. */
type GivenColumns = Record<Exclude<FeedEntryColumn, 'seq' | 'committed_at'>, unknown>;
/**
 * Appends feed entries inside the caller's transaction, numbering them from
 * the single feed_counter row (bw_append_feed, which the API's one-statement
 * writes call too). Updating that row locks it until commit, so a
 * transaction that takes number n+1 waits for the one holding n to finish:
 * numbers follow commit order and have no gaps, which a sequence cannot
 * promise. Call it last in the transaction to hold the lock briefly.
 */
export async function appendFeedEntries(tx: Tx, entries: readonly NewFeedEntry[]): Promise<FeedEntry[]> {
  if (entries.length === 0) return [];
  const rows = entries.map((entry, index) => ({
    ord: index + 1,
    kind: entry.kind,
    nationality: entry.nationality ?? null,
    country_codes: entry.countryCodes,
    policy_id: entry.policyId ?? null,
    previous_policy_id: entry.previousPolicyId ?? null,
    direction: entry.direction ?? null,
    category: entry.category ?? null,
    status: entry.status ?? null,
    statement_id: entry.statementId ?? null,
    event_id: entry.eventId ?? null,
    retracted_type: entry.retractedType ?? null,
    retracted_id: entry.retractedId ?? null,
    reason: entry.reason ?? null,
  }) satisfies GivenColumns & { ord: number });
  return appendFeedRows(tx, JSON.stringify(rows));
}
