import type { FeedEntry } from '../generated/prisma/client';

/** Told about feed entries once their transaction has committed. */
export interface FeedPublisher {
  committed(entries: readonly FeedEntry[]): void;
}
