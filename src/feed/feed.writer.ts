import type { ChangeDirection, FeedKind, PolicyCategory, PolicyStatus, RecordType } from '../common/enums';
import { selectList } from '../db/columns';
import type { FeedEntryColumn } from '../generated/model';
import type { FeedEntry, Prisma } from '../generated/prisma/client';
import { FEED_FIELDS } from './feed.sql';

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
/** The entries as written, under the model's field names. */
const RETURNING = selectList(FEED_FIELDS, 'feed_entry');

/**
 * Appends feed entries inside the caller's transaction, numbering them from
 * the single feed_counter row. Updating that row locks it until commit, so a
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
    country_codes: [...new Set(entry.countryCodes)].sort(),
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
  return tx.$queryRawUnsafe<FeedEntry[]>(
    `WITH counter AS (
       UPDATE feed_counter SET value = value + $2 WHERE id = 1 RETURNING value - $2 AS base
     ), items AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(
         kind text, nationality text, country_codes varchar(2)[], policy_id uuid, previous_policy_id uuid,
         direction text, category text, status text, statement_id uuid, event_id uuid, retracted_type text, retracted_id uuid, reason text, ord bigint)
     )
     INSERT INTO feed_entry (seq, kind, nationality, country_codes, policy_id, previous_policy_id, direction, category, status,
                             statement_id, event_id, retracted_type, retracted_id, reason, committed_at)
     SELECT counter.base + items.ord, items.kind::"FeedKind", items.nationality, items.country_codes, items.policy_id,
            items.previous_policy_id, items.direction::"ChangeDirection", items.category::"PolicyCategory",
            items.status::"PolicyStatus", items.statement_id, items.event_id,
            items.retracted_type::"RecordType", items.retracted_id, items.reason, clock_timestamp()
     FROM counter, items
     ORDER BY items.ord
     RETURNING ${RETURNING}`,
    JSON.stringify(rows),
    entries.length,
  );
}
