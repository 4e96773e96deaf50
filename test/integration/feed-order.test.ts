import { FeedKind } from '../../src/common/enums';
import { appendFeedEntries } from '../../src/feed/feed.writer';
import { eventually, sleep } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION } from '../helpers/writes';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ template: 'bare', env: { FEED_POLL_MS: '50' } });
});
afterAll(() => server.stop());

const event = (title: string) => ({ kind: FeedKind.STATEMENT, countryCodes: ['FI'], reason: title });

/** Reads the feed the way a naive poller would: everything above the highest number seen so far. */
function naivePoller() {
  const seen: bigint[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const last = seen[seen.length - 1] ?? -1n;
      const rows = await server.app.db.prisma.feedEntry.findMany({ where: { seq: { gt: last } }, orderBy: { seq: 'asc' } });
      seen.push(...rows.map((row) => row.seq));
      await sleep(5);
    }
  })();
  return {
    seen,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe('feed sequence numbers', () => {
  it('follow commit order: a transaction that took a number and commits late holds back the next one, so no reader skips it', async () => {
    const { prisma } = server.app.db;
    const start = (await server.app.services.feed.latestSeq()) + 1n;
    const poller = naivePoller();
    const commits: Array<{ who: string; seq: bigint; at: number }> = [];

    let numbered!: () => void;
    const slowHasNumber = new Promise<void>((resolve) => (numbered = resolve));
    const slow = prisma.$transaction(async (tx) => {
      const [entry] = await appendFeedEntries(tx, [event('slow')]);
      numbered();
      await sleep(400); // holds its number, uncommitted
      return entry!;
    });
    // The second writer starts once the first holds its number (not after a guessed delay: a loaded machine is slow to get there).
    await slowHasNumber;
    const fast = prisma.$transaction(async (tx) => {
      const [entry] = await appendFeedEntries(tx, [event('fast')]);
      return entry!;
    });
    const [slowEntry, fastEntry] = await Promise.all([
      slow.then((e) => (commits.push({ who: 'slow', seq: e.seq, at: Date.now() }), e)),
      fast.then((e) => (commits.push({ who: 'fast', seq: e.seq, at: Date.now() }), e)),
    ]);
    await sleep(100);
    await poller.stop();

    expect(slowEntry.seq).toBe(start);
    expect(fastEntry.seq).toBe(start + 1n);
    expect(commits.map((c) => c.who)).toEqual(['slow', 'fast']);
    // The naive poller saw both, in order, although the second transaction started its write while the first was open.
    expect(poller.seen.filter((seq) => seq >= start)).toEqual([start, start + 1n]);
  });

  it('stay gapless when a transaction rolls back after taking a number', async () => {
    const { prisma } = server.app.db;
    const start = (await server.app.services.feed.latestSeq()) + 1n;
    await expect(
      prisma.$transaction(async (tx) => {
        await appendFeedEntries(tx, [event('doomed')]);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    const next = await prisma.$transaction((tx) => appendFeedEntries(tx, [event('next')]));
    expect(next[0]!.seq).toBe(start);
  });

  it('reach a live subscriber in commit order when transactions commit out of start order', async () => {
    // The bare entries of the tests above must be relayed before this subscriber starts listening.
    const latest = await server.app.services.feed.latestSeq();
    await eventually(() => server.app.relay.relayedSeq === latest, 5_000, 'the relay to catch up');
    const client = wsClient(server.app.wsUrl);
    try {
      const sub = new TestSubscription(client, FEED_SUBSCRIPTION, { filter: { kinds: ['STATEMENT'] } });
      const statement = await server.app.services.statementWrites.parse({
        speaker: 'Test speaker',
        saidAt: '2022-09-23T19:12:00Z',
        text: 'First words',
        medium: 'TWEET',
        sources: [{ url: 'https://example.org/a', title: 'A' }],
      });
      // Distinct sources: two transactions inserting one new URL would queue on its unique key.
      for (let i = 0; i < 100 && server.app.relay.listenerCount === 0; i += 1) await sleep(20);
      const { prisma } = server.app.db;
      const { statementWrites } = server.app.services;
      const slow = prisma.$transaction(async (tx) => {
        const s = await statementWrites.addIn(tx, { ...statement, text: 'Slow words', sources: [{ ...statement.sources[0]!, url: 'https://example.org/slow' }] });
        await sleep(300);
        const entries = await appendFeedEntries(tx, [{ kind: FeedKind.STATEMENT, countryCodes: [], statementId: s.id }]);
        return { s, entries };
      });
      await sleep(50);
      const fast = prisma.$transaction(async (tx) => {
        const s = await statementWrites.addIn(tx, { ...statement, text: 'Fast words', sources: [{ ...statement.sources[0]!, url: 'https://example.org/fast' }] });
        const entries = await appendFeedEntries(tx, [{ kind: FeedKind.STATEMENT, countryCodes: [], statementId: s.id }]);
        return { s, entries };
      });
      // Neither tells the relay directly: only polling PostgreSQL can deliver them.
      const [a, b] = await Promise.all([slow, fast]);
      await sub.waitForCount(2);
      const texts = sub.data.map((d) => d.feed.node.text);
      const bySeq = [a, b].sort((x, y) => Number(x.entries[0]!.seq - y.entries[0]!.seq)).map((x) => x.s.text);
      expect(texts).toEqual(bySeq);
      expect(texts).toEqual(['Fast words', 'Slow words']);
    } finally {
      await client.dispose();
    }
  });
});
