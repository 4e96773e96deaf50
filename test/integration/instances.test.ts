import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { REDIS_URL } from '../helpers/env';
import { gqlData } from '../helpers/graphql';
import { eventually, sleep } from '../helpers/ports';
import { PrivateRedis } from '../helpers/redis-server';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, recordPolicyChange } from '../helpers/writes';

/** Two instances on one database and one Redis, the way they run in production. */
async function twoInstances(db: TestDatabase, redisUrl: string, pollMs = '1000'): Promise<[TestServer, TestServer]> {
  const env = { REDIS_URL: redisUrl, REDIS_PREFIX: `bw-test-${randomUUID()}`, FEED_POLL_MS: pollMs };
  return Promise.all([startTestServer({ database: db, env }), startTestServer({ database: db, env })]) as Promise<[TestServer, TestServer]>;
}

async function feedSeqs(server: TestServer): Promise<string[]> {
  const rows = await server.app.db.prisma.feedEntry.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } });
  return rows.map((row) => row.seq.toString());
}

function seqsOf(sub: TestSubscription): string[] {
  return sub.data.map((d) => Buffer.from(d.feed.cursor.split('.')[0], 'base64url').toString()).map((json) => JSON.parse(json)[1] as string);
}

/** Fires `total` changes from `writers` concurrent writers, round-robin over both instances. */
async function burst(servers: TestServer[], headers: Record<string, string>, total: number, writers: number): Promise<void> {
  let next = 0;
  const countries = ['EE', 'LV', 'LT', 'PL', 'FI', 'NO'];
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = next++; i < total; i = next++) {
        const target = servers[i % servers.length]!;
        const result = await recordPolicyChange(target.url, headers, { countryCode: countries[writer % countries.length] });
        if (result.errors) throw new Error(JSON.stringify(result.errors));
      }
    }),
  );
}

describe('across instances', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const clients: Array<{ dispose(): void | Promise<void> }> = [];

  beforeAll(async () => {
    db = await createTestDatabase('bare');
    [a, b] = await twoInstances(db, REDIS_URL, '60000');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([a.stop(), b.stop()]);
    await db.drop();
  });

  it('delivers a burst of 200 writes from 4 concurrent writers on A and B to subscribers on both, in order, each once', async () => {
    const headers = await editorHeaders(a.app);
    const onA = new TestSubscription(track(wsClient(a.app.wsUrl)), FEED_SUBSCRIPTION);
    const onB = new TestSubscription(track(wsClient(b.app.wsUrl)), FEED_SUBSCRIPTION);
    await eventually(() => a.app.relay.listenerCount === 1 && b.app.relay.listenerCount === 1, 5_000, 'subscriptions');
    const before = (await feedSeqs(a)).length;

    // Polling is set to a minute here: what arrives within the test came through Redis.
    await burst([a, b], headers, 200, 4);
    await onB.waitForCount(200, 20_000);
    await onA.waitForCount(200, 20_000);
    const expected = (await feedSeqs(a)).slice(before);
    expect(expected).toHaveLength(200);
    expect(seqsOf(onB)).toEqual(expected);
    expect(seqsOf(onA)).toEqual(expected);
  });

  it('lets a subscriber that disconnected from A resume on B with its last cursor', async () => {
    const headers = await editorHeaders(a.app);
    // The first test's subscribers are still listening: wait for this one's own.
    const listening = a.app.relay.listenerCount;
    const onA = new TestSubscription(track(wsClient(a.app.wsUrl)), FEED_SUBSCRIPTION);
    await eventually(() => a.app.relay.listenerCount > listening, 5_000, 'subscription');
    await recordPolicyChange(a.url, headers);
    await onA.waitForCount(1);
    const cursor = onA.data[0]!.feed.cursor;
    onA.unsubscribe();
    await burst([a], headers, 30, 3);
    const onB = new TestSubscription(track(wsClient(b.app.wsUrl)), FEED_SUBSCRIPTION, { after: cursor });
    await onB.waitForCount(30);
    const all = await feedSeqs(a);
    expect(seqsOf(onB)).toEqual(all.slice(all.indexOf(seqsOf(onA)[0]!) + 1));
  });

  function track<T extends { dispose(): void | Promise<void> }>(client: T): T {
    clients.push(client);
    return client;
  }
});

describe('when Redis goes away', () => {
  it('keeps writes and reads going, and subscribers end with every item exactly once, in order', async () => {
    const redis = await PrivateRedis.start();
    const db = await createTestDatabase('bare');
    const [a, b] = await twoInstances(db, redis.url, '200');
    const clients = [wsClient(a.app.wsUrl), wsClient(b.app.wsUrl)];
    try {
      const headers = await editorHeaders(a.app);
      const subs = clients.map((client) => new TestSubscription(client, FEED_SUBSCRIPTION));
      await eventually(() => a.app.relay.listenerCount === 1 && b.app.relay.listenerCount === 1, 5_000, 'subscriptions');
      const before = (await feedSeqs(a)).length;

      const writing = burst([a, b], headers, 120, 3);
      await sleep(150);
      await redis.stop();
      await eventually(() => a.app.bus.status === 'down' && b.app.bus.status === 'down', 5_000, 'both instances to notice');
      const ready = await fetch(a.url.replace('/graphql', '/readyz'));
      expect(await ready.json()).toMatchObject({ database: 'up', redis: 'down', status: 'degraded' });
      // Reads go on while Redis is down.
      expect((await gqlData(b.url, '{ countries(first: 1) { totalCount } }')).countries.totalCount).toBeGreaterThan(200);
      await sleep(300);
      await redis.start();
      await writing;
      await eventually(() => a.app.bus.status === 'up' && b.app.bus.status === 'up', 10_000, 'reconnection');

      const expected = (await feedSeqs(a)).slice(before);
      expect(expected).toHaveLength(120);
      for (const sub of subs) {
        await sub.waitForCount(120, 20_000);
        expect(seqsOf(sub)).toEqual(expected);
      }
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await Promise.all([a.stop(), b.stop()]);
      await db.drop();
      await redis.stop();
    }
  });
});
