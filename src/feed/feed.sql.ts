import { selectList } from '../db/columns';

export const FEED_FIELDS = {
  seq: 'seq',
  kind: 'kind',
  nationality: 'nationality',
  countryCodes: 'country_codes',
  policyId: 'policy_id',
  previousPolicyId: 'previous_policy_id',
  direction: 'direction',
  category: 'category',
  status: 'status',
  statementId: 'statement_id',
  eventId: 'event_id',
  retractedType: 'retracted_type',
  retractedId: 'retracted_id',
  reason: 'reason',
  committedAt: 'committed_at',
} as const;

/** Feed entry columns (table alias `f`) under the names the Prisma model uses. */
export const FEED_COLUMNS = selectList(FEED_FIELDS, 'f');
