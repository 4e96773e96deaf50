import { z } from 'zod';

/**
 * Every cross-instance message, by topic, with the schema that each one
 * arriving from Redis must pass (anything else is dropped and counted).
 * Payloads are JSON-safe (bigints as strings) because they cross Redis as
 * JSON. They are hints, never data: whoever can publish on the channels can
 * only make an instance look in PostgreSQL.
 */
export enum Topic {
  FEED = 'feed',
}

const INT8_MAX = 2n ** 63n - 1n;

/** A feed sequence number in decimal, as PostgreSQL's bigint holds it. */
const seq = z
  .string()
  .regex(/^\d{1,19}$/)
  .refine((value) => BigInt(value) <= INT8_MAX, 'past bigint');

export const topicSchemas = {
  /** "Feed entries up to `seq` are committed": the relays read them from PostgreSQL. */
  [Topic.FEED]: z.strictObject({ seq }),
} satisfies Record<Topic, z.ZodType>;

export type TopicPayloads = { [T in Topic]: z.infer<(typeof topicSchemas)[T]> };

export type FeedNotice = TopicPayloads[Topic.FEED];
