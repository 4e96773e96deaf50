import type { Logger } from 'pino';
import type { Sql } from '../db/sql';
import type { FeedEntry } from '../generated/prisma/client';
import type { Bus } from '../pubsub/bus';
import { Topic } from '../pubsub/topics';
import { selectEntriesAfter, selectFeedCounter } from './feed-relay.sql';

export interface FeedRelayOptions {
  /** How often the database is asked whether anything was missed (lost messages, Redis down). */
  pollIntervalMs: number;
  /** Entries fetched per query when filling a gap. */
  fillBatch: number;
}

type Listener = (entry: FeedEntry) => void;

/**
 * Hands every committed feed entry to this instance's listeners exactly
 * once and in sequence order. Entries come from PostgreSQL only: this
 * instance's own writes offer theirs once committed, and anything else is
 * read from the database when a gap shows (a number skipped, a notice on the
 * bus, the bus reconnecting, a poll every so often). A notice is only a hint
 * of where to look, so a forged or foreign one costs a fill at most and can
 * never put an entry in front of a subscriber. The feed counter
 * makes sequence numbers gapless and commit ordered, so "everything up to n"
 * is always a complete, final set.
 */
export class FeedRelay {
  private lastSeq = -1n;
  private knownSeq = -1n;
  private readonly pending = new Map<bigint, FeedEntry>();
  private readonly listeners = new Set<Listener>();
  private filling: Promise<void> | null = null;
  private fillAgain = false;
  /** The highest sequence number noticed on the bus since the current fill began. */
  private noticedSeq = -1n;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private stopped = false;
  /** Consecutive failed fills: only the first is a warning, so an outage does not flood the log. */
  private failures = 0;

  constructor(
    private readonly sql: Sql,
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly options: FeedRelayOptions,
  ) {}

  /** The last sequence number handed to listeners: everything up to it has been delivered. */
  get relayedSeq(): bigint {
    return this.lastSeq;
  }

  /**
   * The highest sequence number this instance knows to be committed (the
   * counter at start, its own writes, fills): at least `relayedSeq`, and ahead
   * of it while a gap before one of its own writes is being filled. A read
   * that starts after it moved sees every change up to it, which makes it the
   * generation of answers kept for public reads.
   */
  get committedSeq(): bigint {
    return this.knownSeq;
  }

  async start(): Promise<void> {
    const subscribed = this.bus.subscribe(Topic.FEED, (notice) => this.noticed(BigInt(notice.seq))).then(
      (off) => {
        if (this.stopped) off();
        else this.unsubscribe = off;
      },
      // The bus closed before Redis ever answered (a shutdown during an outage), or Redis refused.
      (error: unknown) => this.logger[this.stopped ? 'debug' : 'warn']({ err: error }, 'feed notices not subscribed; polling covers them'),
    );
    // Subscribed before the counter is read, so nothing committed after the read can be missed;
    // while Redis is down the subscription completes later and polling covers the meantime.
    await Promise.race([subscribed, delay(2_000)]);
    // Everything offered before this (the seed) is accounted for by the counter.
    this.lastSeq = this.knownSeq = await this.counter();
    this.started = true;
    this.bus.onReconnect(() => this.requestFill());
    this.timer = setInterval(() => this.requestFill(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.filling;
    this.listeners.clear();
  }

  /** Registers a listener for every entry after `relayedSeq`; returns the function that removes it. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Committed entries, from this instance's writes or from PostgreSQL; duplicates and entries already delivered are ignored. */
  offer(entries: readonly FeedEntry[]): void {
    if (!this.started || this.stopped) return;
    for (const entry of entries) {
      if (entry.seq > this.knownSeq) this.knownSeq = entry.seq;
      if (entry.seq > this.lastSeq) this.pending.set(entry.seq, entry);
    }
    this.drain();
    if (this.pending.size > 0) this.requestFill();
  }

  /** A notice says entries up to `seq` are committed: look in PostgreSQL if that is news. */
  private noticed(seq: bigint): void {
    if (!this.started || seq <= this.lastSeq) return;
    if (seq > this.noticedSeq) this.noticedSeq = seq;
    // During a fill, the check once it ends decides whether another one is needed.
    if (!this.filling) this.requestFill();
  }

  /** Delivers pending entries while they continue the sequence. */
  private drain(): void {
    for (let next = this.pending.get(this.lastSeq + 1n); next; next = this.pending.get(this.lastSeq + 1n)) {
      this.pending.delete(next.seq);
      this.lastSeq = next.seq;
      for (const listener of this.listeners) listener(next);
    }
  }

  /**
   * One fill at a time; a request during a fill runs one more right after, and so does
   * a notice of something that fill did not deliver. However many notices arrive, at
   * most one fill runs and one waits.
   */
  private requestFill(): void {
    if (!this.started || this.stopped) return;
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.noticedSeq = -1n;
    this.filling = this.fill()
      .then(() => {
        if (this.failures > 0) this.logger.info({ failures: this.failures }, 'feed relay reaches the database again');
        this.failures = 0;
      })
      .catch((error: unknown) => {
        this.failures += 1;
        const level = this.failures === 1 ? 'warn' : 'debug';
        this.logger[level]({ err: { message: (error as Error).message?.split('\n').filter(Boolean).pop() } }, 'feed gap fill failed; will retry');
      })
      .finally(() => {
        this.filling = null;
        const again = this.fillAgain || this.noticedSeq > this.lastSeq;
        this.fillAgain = false;
        if (again) this.requestFill();
      });
  }

  /** Reads what follows the last entry delivered, a batch at a time: one statement when it is a few. */
  private async fill(): Promise<void> {
    for (let more = true; more && !this.stopped; ) {
      const before = this.lastSeq;
      const rows = await selectEntriesAfter(this.sql, before, this.options.fillBatch);
      this.offer(rows);
      // A full batch may have more behind it; nothing delivered (no rows, or not the next number) waits for the next fill.
      more = rows.length === this.options.fillBatch && this.lastSeq > before;
    }
  }

  private async counter(): Promise<bigint> {
    const value = await selectFeedCounter(this.sql);
    if (value === undefined) throw new Error('the feed counter row is missing');
    return value;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
