import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { FeedKind } from '../../src/common/enums';
import { appendFeedEntries } from '../../src/feed/feed.writer';
import { createTestDatabase } from '../helpers/database';
import { eventually, sleep } from '../helpers/ports';
import { RawSocket } from '../helpers/raw-ws';
import { PrivateRedis } from '../helpers/redis-server';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, recordPolicyChange } from '../helpers/writes';

/** RELIABILITY D1 and D2: Redis dropping subscribers' connections, and a subscriber too slow for the feed. */
const seqOf = (cursor: string) => JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString())[1] as string;

describe('Redis drops the pub/sub connections again and again (CLIENT KILL TYPE pubsub)', () => {
  it('still delivers every one of 60 writes on two instances to subscribers on both, in order, once', async () => {
    const redis = await PrivateRedis.start();
    const db = await createTestDatabase('bare');
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `bw-${randomUUID()}`, FEED_POLL_MS: '500' };
    const [a, b] = (await Promise.all([startTestServer({ database: db, env }), startTestServer({ database: db, env })])) as [TestServer, TestServer];
    const admin = new Redis(redis.url);
    const clients = [wsClient(a.app.wsUrl), wsClient(b.app.wsUrl)];
    try {
      const headers = await editorHeaders(a.app);
      const subs = clients.map((client) => new TestSubscription(client, FEED_SUBSCRIPTION));
      await eventually(() => a.app.relay.listenerCount === 1 && b.app.relay.listenerCount === 1, 5_000, 'subscriptions');
      let killing = true;
      const killer = (async () => {
        for (let i = 0; i < 100 && killing; i += 1) {
          await admin.client('KILL', 'TYPE', 'pubsub').catch(() => undefined);
          await sleep(100);
        }
      })();
      for (let i = 0; i < 60; i += 1) {
        const result = await recordPolicyChange((i % 2 ? a : b).url, headers, { countryCode: i % 3 ? 'EE' : 'LV' });
        expect(result.errors).toBeUndefined();
        await sleep(15);
      }
      killing = false;
      await killer;
      const expected = (await a.app.db.prisma.feedEntry.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } })).map((row) => row.seq.toString());
      expect(expected).toHaveLength(60);
      for (const sub of subs) {
        await sub.waitForCount(60, 20_000);
        expect(sub.data.map((d) => seqOf(d.feed.cursor))).toEqual(expected);
      }
    } finally {
      admin.disconnect();
      await Promise.all(clients.map((client) => client.dispose()));
      await Promise.all([a.stop(), b.stop()]);
      await db.drop();
      await redis.stop();
    }
  }, 90_000);
});

describe('a subscriber that falls behind', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ template: 'bare', env: { FEED_MAX_QUEUE: '5' } });
  });
  afterAll(() => server.stop());

  it('is told FEED_LAGGING with the cursor to resume from once more than FEED_MAX_QUEUE entries wait, and resuming gets the rest', async () => {
    const socket = await RawSocket.ready(server.app.wsUrl);
    try {
      socket.subscribe('slow', 'subscription { feed { cursor } }');
      await eventually(() => server.app.relay.listenerCount === 1, 5_000, 'the subscription');
      // Twenty entries committed at once reach the subscriber in one burst.
      const { statementWrites } = server.app.services;
      const parsed = await statementWrites.parse({ speaker: 'Burst', saidAt: '2022-09-23T19:12:00Z', text: 'x', medium: 'TWEET', sources: [{ url: 'https://example.org/b', title: 'B' }] });
      const entries = await server.app.db.prisma.$transaction(
        async (tx) => {
          const ids: string[] = [];
          for (let i = 0; i < 20; i += 1) {
            const statement = await statementWrites.addIn(tx, { ...parsed, text: `Burst ${i}`, sources: [{ ...parsed.sources[0]!, url: `https://example.org/burst/${i}` }] });
            ids.push(statement.id);
          }
          return appendFeedEntries(tx, ids.map((statementId) => ({ kind: FeedKind.STATEMENT, countryCodes: [], statementId })));
        },
        { timeout: 20_000 },
      );
      server.app.relay.offer(entries);

      const error = await socket.next((frame) => frame.id === 'slow' && frame.type === 'error');
      expect(error.payload[0]).toMatchObject({ extensions: { code: 'FEED_LAGGING', resumeAfter: expect.any(String) } });
      const before = socket.frames.filter((f) => f.id === 'slow' && f.type === 'next').map((f) => seqOf(f.payload.data.feed.cursor));
      socket.subscribe('resumed', 'subscription ($after: String) { feed(after: $after) { cursor } }', { after: error.payload[0].extensions.resumeAfter });
      const all = entries.map((entry) => entry.seq.toString());
      await eventually(() => socket.frames.filter((f) => f.id === 'resumed').length >= all.length - before.length, 10_000, 'the rest');
      const after = socket.frames.filter((f) => f.id === 'resumed' && f.type === 'next').map((f) => seqOf(f.payload.data.feed.cursor));
      expect([...before, ...after]).toEqual(all);
    } finally {
      socket.close();
    }
  });
});
