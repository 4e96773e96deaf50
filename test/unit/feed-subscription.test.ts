import { AppError, ErrorCode, ServiceUnavailableError } from '../../src/common/errors';
import type { FeedRelay } from '../../src/feed/feed.relay';
import { FeedSubscription, type SubscriptionSource } from '../../src/feed/feed.subscription';
import type { FeedEntry } from '../../src/generated/prisma/client';

/** The relay as a subscription sees it: entries handed to listeners, and how far it has got. */
class FakeRelay {
  relayedSeq = 0n;
  readonly listeners = new Set<(entry: FeedEntry) => void>();
  listen(listener: (entry: FeedEntry) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  deliver(from: number, to: number) {
    for (let seq = from; seq <= to; seq += 1) {
      this.relayedSeq = BigInt(seq);
      for (const listener of [...this.listeners]) listener(entry(seq));
    }
  }
}

const entry = (seq: number) => ({ seq: BigInt(seq), kind: 'EVENT', countryCodes: [] }) as unknown as FeedEntry;

function source(relay: FakeRelay, replay: SubscriptionSource['replay'] = async () => []) {
  const released = jest.fn();
  return {
    released,
    source: {
      relay: relay as unknown as FeedRelay,
      matches: () => true,
      replay,
      lagging: (lastSent: bigint) => new AppError(ErrorCode.FEED_LAGGING, 'behind', { resumeAfter: String(lastSent) }),
      released,
    } satisfies SubscriptionSource,
  };
}

/** The iterator's next step, or 'pending' if it has not settled within a moment. */
async function within<T>(promise: Promise<T>, ms = 200): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

describe('FeedSubscription', () => {
  it('with a cursor ahead of its relay, skips what the relay catches up on (more than its queue holds) and delivers what follows', async () => {
    const relay = new FakeRelay();
    relay.relayedSeq = 10n;
    const { source: s } = source(relay);
    const subscription = new FeedSubscription(s, 30n, { maxQueue: 5, replayBatch: 100 });
    const next = subscription.next();
    // The relay delivers 11..30, all at or before the cursor: four times the queue.
    relay.deliver(11, 30);
    expect(await within(next)).toBe('pending');
    relay.deliver(31, 31);
    const step = await within(next);
    expect(step).toEqual({ done: false, value: entry(31) });
    expect(relay.listeners.size).toBe(1);
    await subscription.return();
    expect(relay.listeners.size).toBe(0);
  });

  it('ends with FEED_LAGGING and the cursor to resume from once more than its queue waits', async () => {
    const relay = new FakeRelay();
    const { source: s, released } = source(relay);
    const subscription = new FeedSubscription(s, null, { maxQueue: 3, replayBatch: 100 });
    relay.deliver(1, 5);
    await expect(subscription.next()).rejects.toMatchObject({ extensions: { code: 'FEED_LAGGING', resumeAfter: '0' } });
    expect(relay.listeners.size).toBe(0);
    expect(released).toHaveBeenCalledTimes(1);
    await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('ends with the replay\'s error (SERVICE_UNAVAILABLE) and lets go of the relay', async () => {
    const relay = new FakeRelay();
    relay.relayedSeq = 100n;
    const { source: s, released } = source(relay, async () => Promise.reject(new ServiceUnavailableError('the database')));
    const subscription = new FeedSubscription(s, 10n, { maxQueue: 10, replayBatch: 100 });
    await expect(subscription.next()).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(relay.listeners.size).toBe(0);
    expect(released).toHaveBeenCalledTimes(1);
    await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('returned while its replay waits: aborts the replay, and a late failure of it is nobody\'s error', async () => {
    const relay = new FakeRelay();
    relay.relayedSeq = 100n;
    let signal: AbortSignal | undefined;
    let fail!: (error: Error) => void;
    const { source: s, released } = source(relay, (_after, _upTo, _limit, given) => {
      signal = given;
      return new Promise((_resolve, reject) => (fail = reject));
    });
    const subscription = new FeedSubscription(s, 10n, { maxQueue: 10, replayBatch: 100 });
    const next = subscription.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(signal?.aborted).toBe(false);
    await subscription.return();
    expect(signal?.aborted).toBe(true);
    expect(released).toHaveBeenCalledTimes(1);
    fail(new Error('timeout exceeded when trying to connect'));
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });

  it('replays in batches up to the relay, then goes live without a gap or a repeat', async () => {
    const relay = new FakeRelay();
    relay.relayedSeq = 7n;
    const batches: Array<[bigint, bigint]> = [];
    const { source: s } = source(relay, async (after, upTo, limit) => {
      batches.push([after, upTo]);
      const rows: FeedEntry[] = [];
      for (let seq = Number(after) + 1; seq <= Number(upTo) && rows.length < limit; seq += 1) rows.push(entry(seq));
      return rows;
    });
    const subscription = new FeedSubscription(s, 2n, { maxQueue: 10, replayBatch: 2 });
    relay.deliver(8, 9);
    const seqs: bigint[] = [];
    for (let i = 0; i < 7; i += 1) seqs.push(((await subscription.next()).value as FeedEntry).seq);
    expect(seqs).toEqual([3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    expect(batches).toEqual([
      [2n, 7n],
      [4n, 7n],
      [6n, 7n],
    ]);
    await subscription.return();
  });
});
