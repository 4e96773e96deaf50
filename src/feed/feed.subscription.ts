import type { FeedEntry } from '../generated/prisma/client';
import type { FeedRelay } from './feed.relay';

export interface SubscriptionLimits {
  /** Entries a slow subscriber may have waiting before it is told to resubscribe. */
  maxQueue: number;
  /** Entries read per query while replaying from a cursor. */
  replayBatch: number;
}

export interface SubscriptionSource {
  relay: FeedRelay;
  /** The subscriber's filter, applied in memory to live entries. */
  matches(entry: FeedEntry): boolean;
  /**
   * The same filter in SQL: matching entries with after < seq <= upTo, oldest first. `signal`
   * aborts when the subscription ends: a replay still waiting for its turn then never runs.
   * Fails with an error the client may see (SERVICE_UNAVAILABLE when the database is away).
   */
  replay(after: bigint, upTo: bigint, limit: number, signal: AbortSignal): Promise<FeedEntry[]>;
  /** The error that ends a subscription which fell behind, given the last sequence it received. */
  lagging(lastSent: bigint): Error;
  /** Told once, when the subscription ends. */
  released?(): void;
}

/**
 * One subscriber's view of the feed: first every matching entry after its
 * cursor, read from PostgreSQL up to what the relay had delivered when it
 * subscribed, then live entries from the relay, skipping what the replay
 * already sent. It listens before it reads, so nothing falls between the two.
 *
 * Written as an explicit iterator rather than an async generator so that
 * `return()` (client unsubscribed) takes effect at once, even while waiting.
 * Every subscription either delivers or ends: with FEED_LAGGING (and where to
 * resume) once more than `maxQueue` entries wait, with the replay's error when
 * a replay fails, or done when it is returned. Entries it will never send
 * (at or before what it sent, or its cursor) are not queued at all.
 */
export class FeedSubscription implements AsyncIterableIterator<FeedEntry> {
  private readonly queue: FeedEntry[] = [];
  private readonly upTo: bigint;
  private readonly unlisten: () => void;
  private replayCursor: bigint | null;
  private replayBuffer: FeedEntry[] = [];
  private lastSent: bigint;
  private waiting: ((result: IteratorResult<FeedEntry>) => void) | null = null;
  private closed = false;
  private overflowed = false;
  /**
   * Aborted when the subscription ends, so that a replay waiting for its turn gives its place up. Made
   * by the first replay: a live-only subscription (most of them, idle for hours) never needs one.
   */
  private ended: AbortController | null = null;

  constructor(
    private readonly source: SubscriptionSource,
    after: bigint | null,
    private readonly limits: SubscriptionLimits,
  ) {
    this.unlisten = source.relay.listen((entry) => this.push(entry));
    this.upTo = source.relay.relayedSeq;
    this.lastSent = after ?? this.upTo;
    this.replayCursor = after !== null && after < this.upTo ? after : null;
  }

  /**
   * Nothing left to hand over: closed, or waiting for the next entry with an
   * empty queue. Its consumer asks for the next entry only once it has sent
   * the last one, so a settled subscription has sent everything it received.
   */
  get settled(): boolean {
    return this.closed || (this.waiting !== null && this.queue.length === 0);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<FeedEntry>> {
    while (!this.closed && (this.replayBuffer.length > 0 || this.replayCursor !== null)) {
      const replayed = this.replayBuffer.shift();
      if (replayed) return this.send(replayed);
      let rows: FeedEntry[];
      try {
        rows = await this.source.replay(this.replayCursor!, this.upTo, this.limits.replayBatch, (this.ended ??= new AbortController()).signal);
      } catch (error) {
        if (this.closed) break;
        await this.return();
        throw error;
      }
      this.replayBuffer = rows;
      this.replayCursor = rows.length === this.limits.replayBatch ? rows[rows.length - 1]!.seq : null;
    }
    if (this.closed) return { done: true, value: undefined };
    // Replay done: everything up to upTo that matched has been sent; live entries start after it.
    if (this.lastSent < this.upTo) this.lastSent = this.upTo;
    if (this.overflowed) {
      await this.return();
      throw this.source.lagging(this.lastSent);
    }
    for (let entry = this.queue.shift(); entry; entry = this.queue.shift()) {
      if (entry.seq > this.lastSent) return this.send(entry);
    }
    // Only push() or return() settle this: push() hands over the next entry to send without queueing it.
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async return(): Promise<IteratorResult<FeedEntry>> {
    if (!this.closed) {
      this.closed = true;
      this.unlisten();
      this.ended?.abort();
      this.queue.length = 0;
      this.waiting?.({ done: true, value: undefined });
      this.waiting = null;
      this.source.released?.();
    }
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<FeedEntry>> {
    await this.return();
    throw error;
  }

  private send(entry: FeedEntry): IteratorResult<FeedEntry> {
    this.lastSent = entry.seq;
    return { done: false, value: entry };
  }

  private push(entry: FeedEntry): void {
    if (this.closed || !this.source.matches(entry)) return;
    // Already sent, or at or before the cursor (a cursor ahead of this instance's relay): it never will be.
    if (entry.seq <= this.lastSent) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(this.send(entry));
      return;
    }
    if (this.queue.length >= this.limits.maxQueue) {
      this.overflowed = true;
      this.unlisten();
      return;
    }
    this.queue.push(entry);
  }
}
