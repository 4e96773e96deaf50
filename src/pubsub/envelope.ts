import { z } from 'zod';
import type { BusRejection } from './bus';
import { topicSchemas, type Topic, type TopicPayloads } from './topics';

/**
 * A message on a Redis channel: the payload and the deployment that sent it.
 * Deployments sharing a Redis (and a REDIS_PREFIX) hear each other; the id
 * lets each drop the other's messages before they cost anything.
 */
const envelopeSchema = z.strictObject({ deployment: z.string(), payload: z.unknown() });

/** Far more than any valid message: a longer one is not parsed at all. */
const MAX_MESSAGE_LENGTH = 1_024;

export function seal<T extends Topic>(deployment: string, payload: TopicPayloads[T]): string {
  return JSON.stringify({ deployment, payload });
}

/** The payload, if the message is one of this deployment's and passes the topic's schema; otherwise why not. */
export function open<T extends Topic>(topic: T, deployment: string, message: string): { payload: TopicPayloads[T] } | { rejected: BusRejection } {
  const envelope = envelopeSchema.safeParse(message.length <= MAX_MESSAGE_LENGTH ? parseJson(message) : undefined);
  if (!envelope.success) return { rejected: 'malformed' };
  if (envelope.data.deployment !== deployment) return { rejected: 'foreign' };
  const payload = topicSchemas[topic].safeParse(envelope.data.payload);
  return payload.success ? { payload: payload.data as TopicPayloads[T] } : { rejected: 'malformed' };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
