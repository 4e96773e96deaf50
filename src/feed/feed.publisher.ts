import type { Logger } from 'pino';
import type { FeedEntry } from '../generated/prisma/client';
import type { Bus } from '../pubsub/bus';
import { Topic } from '../pubsub/topics';
import type { FeedRelay } from './feed.relay';

/** Told about feed entries once their transaction has committed. */
export interface FeedPublisher {
  committed(entries: readonly FeedEntry[]): void;
}

/**
 * Tells the other instances, through the bus, how far the feed now goes: one notice per commit
 * carrying its last sequence number (they read the entries from PostgreSQL). A lost notice only
 * delays them until their next poll.
 */
export class BusFeedPublisher implements FeedPublisher {
  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  committed(entries: readonly FeedEntry[]): void {
    const last = entries.reduce<bigint | null>((max, entry) => (max === null || entry.seq > max ? entry.seq : max), null);
    if (last === null) return;
    this.bus.publish(Topic.FEED, { seq: last.toString() }).catch((error: unknown) => {
      this.logger.debug({ err: error, seq: last.toString() }, 'feed notice not published; other instances will poll');
    });
  }
}

/** This instance's relay first (its subscribers get the change at once), then the others. */
export class RelayingPublisher implements FeedPublisher {
  constructor(
    private readonly relay: FeedRelay,
    private readonly others: FeedPublisher,
  ) {}

  committed(entries: readonly FeedEntry[]): void {
    if (entries.length === 0) return;
    this.relay.offer(entries);
    this.others.committed(entries);
  }
}
