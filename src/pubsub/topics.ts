/**
 * Every cross-instance message, by topic. Payloads are JSON-safe (bigints and
 * dates as strings) because they cross Redis as JSON.
 */
export enum Topic {
  FEED = 'feed',
}

/** A committed feed entry, as it travels between instances. */
export interface FeedNotice {
  seq: string;
  kind: string;
  nationality: string | null;
  countryCodes: string[];
  policyId: string | null;
  previousPolicyId: string | null;
  direction: string | null;
  category: string | null;
  status: string | null;
  statementId: string | null;
  eventId: string | null;
  retractedType: string | null;
  retractedId: string | null;
  reason: string | null;
  committedAt: string;
}

export interface TopicPayloads {
  [Topic.FEED]: FeedNotice;
}
