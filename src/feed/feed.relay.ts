import type { Logger } from 'pino';
import type { FeedEntry, PrismaClient } from '../generated/prisma/client';
import type { Bus } from '../pubsub/bus';
import { Topic } from '../pubsub/topics';
import { fromNotice } from './feed.notice';

export interface FeedRelayOptions {
  /** How often the database is asked whether anything was missed (lost messages, Redis down). */
  pollIntervalMs: number;
  /** Entries fetched per query when filling a gap. */
  fillBatch: number;
}

type Listener = (entry: FeedEntry) => void;

/**
 * Hands every committed feed entry to this instance's listeners exactly
 * once and in sequence order, whichever way it arrives: from a local write,
 * from another instance through the bus, or from PostgreSQL when a gap
 * shows (a number skipped, a poll finding the counter ahead, the bus
 * reconnecting). The feed counter makes sequence numbers gapless and commit
 * ordered, so "everything up to n" is always a complete, final set.
 */
export class FeedRelay {
  private lastSeq = -1n;
  private readonly pending = new Map<bigint, FeedEntry>();
  private readonly listeners = new Set<Listener>();
  private filling: Promise<void> | null = null;
  private fillAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** Consecutive failed fills: only the first is a warning, so an outage does not flood the log. */
  private failures = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly options: FeedRelayOptions,
  ) {}

  /** The last sequence number handed to listeners: everything up to it has been delivered. */
  get relayedSeq(): bigint {
    return this.lastSeq;
  }

  async start(): Promise<void> {
    const subscribed = this.bus.subscribe(Topic.FEED, (notice) => this.offer([fromNotice(notice)]));
    // Subscribed before the counter is read, so nothing committed after the read can be missed;
    // while Redis is down the subscription completes later and polling covers the meantime.
    this.unsubscribe = await Promise.race([subscribed, delay(2_000).then(() => undefined)]);
    if (!this.unsubscribe) void subscribed.then((off) => (this.stopped ? off() : (this.unsubscribe = off)));
    this.lastSeq = await this.counter();
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

  /** Entries from any origin; duplicates and entries already delivered are ignored. */
  offer(entries: readonly FeedEntry[]): void {
    if (this.stopped) return;
    for (const entry of entries) {
      if (entry.seq > this.lastSeq) this.pending.set(entry.seq, entry);
    }
    this.drain();
    if (this.pending.size > 0) this.requestFill();
  }

  /** Delivers pending entries while they continue the sequence. */
  private drain(): void {
    for (let next = this.pending.get(this.lastSeq + 1n); next; next = this.pending.get(this.lastSeq + 1n)) {
      this.pending.delete(next.seq);
      this.lastSeq = next.seq;
      for (const listener of this.listeners) listener(next);
    }
  }

  /** One fill at a time; a request during a fill runs another right after. */
  private requestFill(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
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
        if (this.fillAgain) {
          this.fillAgain = false;
          this.requestFill();
        }
      });
  }

  private async fill(): Promise<void> {
    const target = await this.counter();
    while (this.lastSeq < target && !this.stopped) {
      const rows = await this.prisma.feedEntry.findMany({
        where: { seq: { gt: this.lastSeq, lte: target } },
        orderBy: { seq: 'asc' },
        take: this.options.fillBatch,
      });
      if (rows.length === 0) break;
      this.offer(rows);
    }
  }

  private async counter(): Promise<bigint> {
    const row = await this.prisma.feedCounter.findUniqueOrThrow({ where: { id: 1 } });
    return row.value;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
