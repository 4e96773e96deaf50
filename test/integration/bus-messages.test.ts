import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { App } from '../../src/server/app';
import { createFreshDatabase, createTestDatabase, type TestDatabase } from '../helpers/database';
import { REDIS_URL } from '../helpers/env';
import { gqlData } from '../helpers/graphql';
import { eventually, sleep } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, recordPolicyChange } from '../helpers/writes';

/**
 * Whoever reaches Redis can publish on the feed channel. What they publish is
 * at most a hint to look in PostgreSQL: it cannot crash an instance, reach a
 * subscriber, or push a committed entry aside. Forged messages go out on the
 * shared Redis under this file's own REDIS_PREFIX; no poll runs (a poll
 * interval of an hour), so what arrives came through the channel.
 */
const seqOf = (cursor: string) => JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString())[1] as string;

async function rejected(app: App, reason: string): Promise<number> {
  const metric = await app.metrics.registry.getSingleMetric('borderwatch_bus_messages_rejected_total')?.get();
  return metric?.values.find((sample) => sample.labels.reason === reason)?.value ?? 0;
}

/** Waits until the instance has sent no SQL for a while: whatever the messages set off is done. */
async function quiet(app: App): Promise<void> {
  for (let last = -1; last !== app.db.queryCount; ) {
    last = app.db.queryCount;
    await sleep(300);
  }
}

const noPolls = (prefix: string) => ({ REDIS_URL, REDIS_PREFIX: prefix, FEED_POLL_MS: '3600000' });

describe('messages on the Redis feed channel', () => {
  const prefix = `bw-bus-${randomUUID()}`;
  const channel = `${prefix}:feed`;
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let publisher: Redis;
  let headers: Record<string, string>;
  const clients: Array<ReturnType<typeof wsClient>> = [];

  beforeAll(async () => {
    db = await createTestDatabase('bare');
    [a, b] = (await Promise.all([startTestServer({ database: db, env: noPolls(prefix) }), startTestServer({ database: db, env: noPolls(prefix) })])) as [TestServer, TestServer];
    publisher = new Redis(REDIS_URL);
    headers = await editorHeaders(a.app);
  });
  afterAll(async () => {
    publisher.disconnect();
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all([a.stop(), b.stop()]);
    await db.drop();
  });

  async function subscribeOnB(): Promise<TestSubscription> {
    const client = wsClient(b.app.wsUrl);
    clients.push(client);
    const sub = new TestSubscription(client, FEED_SUBSCRIPTION);
    await eventually(() => b.app.relay.listenerCount === 1, 5_000, 'the subscription');
    return sub;
  }

  /** A real write on A: B's subscriber must get exactly it, whatever was published before. */
  async function expectOnlyTheRealWrite(sub: TestSubscription): Promise<void> {
    const written = await recordPolicyChange(a.url, headers, { countryCode: 'EE' });
    expect(written.errors).toBeUndefined();
    await sub.waitForCount(1, 5_000);
    await sleep(200);
    expect(sub.data.map((item) => seqOf(item.feed.cursor))).toEqual([seqOf(written.data.recordPolicyChange.cursor)]);
    expect(sub.data[0].feed.node.policy.id).toBe(written.data.recordPolicyChange.policy.id);
    sub.unsubscribe();
    await eventually(() => b.app.relay.listenerCount === 0, 5_000, 'the subscription to end');
  }

  it('drops malformed messages and counts them: no instance crashes, no subscriber gets one, the real entry is delivered', async () => {
    const sub = await subscribeOnB();
    const deployment = b.app.db.deployment.id;
    const next = String((await b.app.services.feed.latestSeq()) + 1n);
    // A whole feed entry with the next number, as the channel carried them before it carried hints only.
    const forgedEntry = {
      seq: next,
      kind: 'STATEMENT',
      nationality: null,
      countryCodes: ['EE'],
      policyId: null,
      previousPolicyId: null,
      direction: null,
      category: null,
      status: null,
      statementId: randomUUID(),
      eventId: null,
      retractedType: null,
      retractedId: null,
      reason: 'forged',
      committedAt: new Date().toISOString(),
    };
    const junk = [
      'not json',
      'null',
      '42',
      '[]',
      '{"seq":"x"}',
      JSON.stringify(forgedEntry),
      JSON.stringify({ deployment, payload: forgedEntry }),
      JSON.stringify({ deployment, payload: { seq: '-1' } }),
      JSON.stringify({ deployment, payload: { seq: '9223372036854775808' } }),
      JSON.stringify({ deployment, payload: { seq: next }, extra: true }),
      JSON.stringify({ deployment, payload: { seq: 'x'.repeat(50_000) } }),
      JSON.stringify({ deployment: 42, payload: { seq: next } }),
    ];
    for (const message of junk) await publisher.publish(channel, message);
    await eventually(async () => (await rejected(b.app, 'malformed')) === junk.length, 5_000, 'B to count every message');
    await eventually(async () => (await rejected(a.app, 'malformed')) === junk.length, 5_000, 'A to count every message');

    // Both still answer, and B's subscriber got nothing but the real write that follows.
    expect((await gqlData(b.url, '{ countries(first: 1) { totalCount } }')).countries.totalCount).toBeGreaterThan(200);
    await expectOnlyTheRealWrite(sub);
    const metrics = await (await fetch(b.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain(`borderwatch_bus_messages_rejected_total{reason="malformed"} ${junk.length}`);
  });

  it('takes a well-formed notice as a hint only: a forged one delivers nothing, and a flood of 1,000 costs a few fills at a time', async () => {
    const sub = await subscribeOnB();
    const deployment = b.app.db.deployment.id;
    const latest = await b.app.services.feed.latestSeq();
    await quiet(b.app);
    const before = b.app.db.queryCount;
    const flood = publisher.pipeline();
    for (let i = 1; i <= 1_000; i += 1) flood.publish(channel, JSON.stringify({ deployment, payload: { seq: String(latest + BigInt(i)) } }));
    await flood.exec();
    await quiet(b.app);
    const statements = b.app.db.queryCount - before;
    console.log(`1,000 forged notices: ${statements} SQL statements on the instance that heard them`);
    // Each fill is one read of the counter (nothing to read after it): one fill at a time, not one per notice.
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThan(100);
    expect(b.app.relay.relayedSeq).toBe(latest);
    await expectOnlyTheRealWrite(sub);
  });
});

describe('two deployments sharing one Redis and one REDIS_PREFIX', () => {
  it("ignore each other's notices before touching PostgreSQL: nothing crosses over and nothing is pushed aside", async () => {
    const prefix = `bw-bus-${randomUUID()}`;
    // Databases made from nothing: two deployments, each with its own id, both numbering their feed from 1.
    const [one, two] = await Promise.all([createFreshDatabase(), createFreshDatabase()]);
    const [x, y] = (await Promise.all([startTestServer({ database: one, env: noPolls(prefix) }), startTestServer({ database: two, env: noPolls(prefix) })])) as [TestServer, TestServer];
    const clients = [wsClient(x.app.wsUrl), wsClient(y.app.wsUrl)];
    try {
      expect(x.app.db.deployment.id).not.toBe(y.app.db.deployment.id);
      const [onX, onY] = clients.map((client) => new TestSubscription(client, FEED_SUBSCRIPTION)) as [TestSubscription, TestSubscription];
      await eventually(() => x.app.relay.listenerCount === 1 && y.app.relay.listenerCount === 1, 5_000, 'subscriptions');
      const [xHeaders, yHeaders] = await Promise.all([editorHeaders(x.app), editorHeaders(y.app)]);
      await quiet(x.app);
      const before = x.app.db.queryCount;

      const onTwo = await recordPolicyChange(y.url, yHeaders, { countryCode: 'LV' });
      expect(onTwo.errors).toBeUndefined();
      await eventually(async () => (await rejected(x.app, 'foreign')) === 1 || onX.results.length > 0, 5_000, 'X to drop Y’s notice');
      expect(onX.results).toEqual([]);
      expect(x.app.db.queryCount - before).toBe(0);

      const onOne = await recordPolicyChange(x.url, xHeaders, { countryCode: 'LT' });
      expect(onOne.errors).toBeUndefined();
      await Promise.all([onX.waitForCount(1, 5_000), onY.waitForCount(1, 5_000)]);
      await eventually(async () => (await rejected(y.app, 'foreign')) === 1, 5_000, 'Y to drop X’s notice');
      await sleep(200);
      expect(onX.data.map((item) => item.feed.node.policy.id)).toEqual([onOne.data.recordPolicyChange.policy.id]);
      expect(onY.data.map((item) => item.feed.node.policy.id)).toEqual([onTwo.data.recordPolicyChange.policy.id]);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await Promise.all([x.stop(), y.stop()]);
      await Promise.all([one.drop(), two.drop()]);
    }
  });
});
