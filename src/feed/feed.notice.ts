import type { FeedEntry } from '../generated/prisma/client';
import type { FeedNotice } from '../pubsub/topics';

/** FeedEntry ⇄ its JSON-safe form on the bus. */
export function toNotice(entry: FeedEntry): FeedNotice {
  return { ...entry, seq: entry.seq.toString(), committedAt: entry.committedAt.toISOString() };
}

export function fromNotice(notice: FeedNotice): FeedEntry {
  return { ...notice, seq: BigInt(notice.seq), committedAt: new Date(notice.committedAt) } as FeedEntry;
}
