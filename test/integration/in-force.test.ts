import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { nextUtcMidnight } from '../../src/common/clock';
import { formatIsoDate, todayUtc } from '../../src/common/dates';
import { ManualClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { REDIS_URL } from '../helpers/env';
import { gql, gqlData } from '../helpers/graphql';
import { eventually, sleep } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { policyInput, recordPolicyChange } from '../helpers/writes';

/**
 * POLICY_IN_FORCE: a version recorded ahead of time gets one feed item on its first day (UTC),
 * with two real instances on one PostgreSQL and one Redis, their clocks moved by the test.
 */
const DAY = 86_400_000;
/** The real UTC day, the one versions are recorded on (recorded_at is PostgreSQL's now()). */
let today = todayUtc();
const day = (offset: number) => new Date(today.getTime() + offset * DAY);
/** A second past the midnight that begins `day(offset)`. */
const justAfter = (offset: number) => new Date(day(offset).getTime() + 1_000);

/** The README's in-force subscription, run as written. */
async function readmeSubscription(): Promise<string> {
  const readme = await readFile(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const example = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!).find((block) => block.includes('... on PolicyInForce'));
  if (!example) throw new Error('the README has no subscription example with PolicyInForce');
  return example;
}

const RETRACT = `mutation ($id: ID!, $reason: String!) { retract(id: $id, reason: $reason) { reason } }`;

let db: TestDatabase;
let clock: ManualClock;
let servers: TestServer[] = [];
let headers: Record<string, string>;
const clients: Array<{ dispose(): void | Promise<void> }> = [];
const env = { REDIS_URL, REDIS_PREFIX: `bw-test-${randomUUID()}`, FEED_POLL_MS: '60000' };

const start = (withClock = clock) => startTestServer({ database: db, env, clock: withClock });
const client = (server: TestServer) => {
  const made = wsClient(server.app.wsUrl);
  clients.push(made);
  return made;
};

async function inForceItems(): Promise<Array<{ policyId: string | null; previousPolicyId: string | null }>> {
  return servers[0]!.app.db.prisma.feedEntry.findMany({ where: { kind: 'POLICY_IN_FORCE' }, orderBy: { seq: 'asc' }, select: { policyId: true, previousPolicyId: true } });
}

async function version(server: TestServer, overrides: Record<string, unknown>): Promise<string> {
  const result = await recordPolicyChange(server.url, headers, overrides);
  expect(result.errors).toBeUndefined();
  return result.data.recordPolicyChange.policy.id;
}

beforeAll(async () => {
  // "Ahead of time" is by the real day of recording: a run must not straddle a real midnight.
  const toMidnight = nextUtcMidnight(new Date()).getTime() - Date.now();
  if (toMidnight < 120_000) await sleep(toMidnight + 1_000);
  today = todayUtc();
  db = await createTestDatabase('bare');
  clock = new ManualClock();
  servers = await Promise.all([start(), start()]);
  headers = await editorHeaders(servers[0]!.app);
}, 180_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all(servers.map((s) => s.stop()));
  await db.drop();
});

describe('a version recorded ahead of time', () => {
  let before: string;
  let ahead: string;

  it('gets one POLICY_IN_FORCE item at its first midnight, delivered once to subscribers on both instances', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const example = await readmeSubscription();
    const onA = new TestSubscription(client(a), example);
    const onB = new TestSubscription(client(b), example);
    const elsewhere = new TestSubscription(client(b), example.replace('["FI"]', '["LV"]'));
    await eventually(() => a.app.relay.listenerCount === 1 && b.app.relay.listenerCount === 2, 5_000, 'subscriptions');

    before = await version(a, { countryCode: 'FI', category: 'ENTRY', status: 'OPEN', effectiveFrom: '2022-01-01' });
    ahead = await version(b, { countryCode: 'FI', category: 'ENTRY', status: 'CLOSED', effectiveFrom: formatIsoDate(day(1)) });
    await onA.waitForCount(2);
    await onB.waitForCount(2);
    expect(onA.data.map((d) => d.feed.kind)).toEqual(['POLICY_CHANGE', 'POLICY_CHANGE']);

    // The last second of today: nothing is in force yet.
    clock.set(new Date(day(1).getTime() - 1_000));
    await sleep(300);
    expect(await inForceItems()).toEqual([]);

    // Midnight: both instances' schedulers fire at once; one item, and each subscriber gets it once.
    clock.set(justAfter(1));
    await onA.waitForCount(3);
    await onB.waitForCount(3);
    await sleep(1_500);
    expect(await inForceItems()).toEqual([{ policyId: ahead, previousPolicyId: before }]);
    for (const sub of [onA, onB]) {
      expect(sub.results).toHaveLength(3);
      expect(sub.results[2]!.errors).toBeUndefined();
      expect(sub.data[2]!.feed).toMatchObject({
        kind: 'POLICY_IN_FORCE',
        node: {
          __typename: 'PolicyInForce',
          direction: 'STRICTER',
          policy: { title: expect.stringMatching(/^Test change/), effectiveFrom: formatIsoDate(day(1)) },
          previous: { title: expect.stringMatching(/^Test change/) },
        },
      });
    }
    expect(onA.data[2]!.feed.cursor).toBe(onB.data[2]!.feed.cursor);
    // Filters apply to it like to any item.
    expect(elsewhere.results).toHaveLength(0);
  });

  it('is in the feed query, filtered by kind, country and nationality, and in the Atom and JSON feeds', async () => {
    const [a] = servers as [TestServer];
    const FEED = `query ($filter: FeedFilter) { feed(filter: $filter) { totalCount edges { kind node { ... on PolicyInForce { policy { id } previous { id } } } } } }`;
    const { feed } = await gqlData(a.url, FEED, { filter: { kinds: ['POLICY_IN_FORCE'], countryCodes: ['FI'], nationality: 'RU' } });
    expect(feed).toEqual({ totalCount: 1, edges: [{ kind: 'POLICY_IN_FORCE', node: { policy: { id: ahead }, previous: { id: before } } }] });
    expect((await gqlData(a.url, FEED, { filter: { kinds: ['POLICY_IN_FORCE'], nationality: 'BY' } })).feed.totalCount).toBe(0);
    expect((await gqlData(a.url, FEED, { filter: { kinds: ['POLICY_IN_FORCE'], countryCodes: ['EE'] } })).feed.totalCount).toBe(0);

    const origin = new URL(a.url).origin;
    const json = (await (await fetch(`${origin}/feed.json?kind=POLICY_IN_FORCE&country=FI`)).json()) as any;
    expect(json.items).toHaveLength(1);
    expect(json.items[0].title).toMatch(new RegExp(`^Finland: In force from ${formatIsoDate(day(1))}: Test change`));
    expect(json.items[0].summary).toMatch(/^Now in force\. Stricter: entry closed\..* Ends: Test change/);
    const atom = await (await fetch(`${origin}/feed.atom?kind=POLICY_IN_FORCE`)).text();
    expect(atom.match(/<entry>/g)).toHaveLength(1);
    expect(atom).toContain('term="POLICY_IN_FORCE"');
  });

  it('gets no second item from an instance restarted after midnight (its catch-up at start finds it written)', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    await a.stop();
    const restarted = await start();
    servers = [restarted, b];
    clock.set(new Date(justAfter(1).getTime() + 3_600_000));
    await sleep(500);
    expect(await inForceItems()).toHaveLength(1);
  });
});

describe('a version that does not stand on its day', () => {
  it('never takes effect when retracted before its day; of two recorded for one day, only the last', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const retracted = await version(a, { countryCode: 'LV', category: 'ENTRY', status: 'CLOSED', effectiveFrom: formatIsoDate(day(3)) });
    const retraction = await gql(a.url, RETRACT, { id: retracted, reason: 'Announced, then withdrawn' }, headers);
    expect(retraction.errors).toBeUndefined();

    const current = await version(b, { countryCode: 'LT', category: 'ENTRY', status: 'OPEN', effectiveFrom: '2022-01-01' });
    const announced = await version(b, { countryCode: 'LT', category: 'ENTRY', status: 'RESTRICTED', effectiveFrom: formatIsoDate(day(3)) });
    const corrected = await version(a, { countryCode: 'LT', category: 'ENTRY', status: 'CLOSED', effectiveFrom: formatIsoDate(day(3)) });

    clock.set(justAfter(3));
    await eventually(async () => (await inForceItems()).length === 2, 5_000, 'the corrected version in force');
    await sleep(1_000);
    const items = await inForceItems();
    expect(items[1]).toEqual({ policyId: corrected, previousPolicyId: current });
    expect(items.map((item) => item.policyId)).not.toContain(retracted);
    expect(items.map((item) => item.policyId)).not.toContain(announced);
  });
});

describe('catching up', () => {
  it('writes, at start, the item of a midnight no instance was running at: once, with two instances starting together', async () => {
    const [a] = servers as [TestServer];
    const current = await version(a, { countryCode: 'EE', category: 'VISA', status: 'RESTRICTED', effectiveFrom: '2022-01-01' });
    const ahead = await version(a, { countryCode: 'EE', category: 'VISA', status: 'OPEN', effectiveFrom: formatIsoDate(day(5)) });
    const { feed } = await gqlData(a.url, '{ feed(first: 1) { edges { cursor } } }');
    const lastSeen = feed.edges[0].cursor as string;
    await Promise.all(servers.map((s) => s.stop()));

    // Every instance down across the midnight that begins day 5; they come back the day after.
    clock = new ManualClock(justAfter(6));
    servers = await Promise.all([start(), start()]);
    const items = await inForceItems();
    expect(items).toHaveLength(3);
    expect(items[2]).toEqual({ policyId: ahead, previousPolicyId: current });

    // A subscriber that was away resumes with its cursor and gets it, as any item.
    const resumed = new TestSubscription(client(servers[1]!), `subscription ($after: String) { feed(after: $after) { kind node { ... on PolicyInForce { direction policy { id } } } } }`, { after: lastSeen });
    await resumed.waitForCount(1);
    expect(resumed.data[0]!.feed).toEqual({ kind: 'POLICY_IN_FORCE', node: { direction: 'LOOSER', policy: { id: ahead } } });
  });

  it('announces, of an import, only the versions it records ahead of time, each on its day', async () => {
    const [a] = servers as [TestServer];
    const row = (line: number, overrides: Record<string, unknown>) => ({ kind: 'policy' as const, file: 'versions.json', line, data: policyInput({ countryCode: 'NO', category: 'WORK', ...overrides }) });
    const report = await a.app.services.importer.run([
      row(1, { status: 'OPEN', effectiveFrom: '2021-03-01' }),
      row(2, { status: 'RESTRICTED', effectiveFrom: formatIsoDate(day(-1)) }),
      row(3, { status: 'CLOSED', effectiveFrom: formatIsoDate(day(8)) }),
    ]);
    expect(report.rejected).toEqual([]);
    const imported = await a.app.db.prisma.policy.findMany({ where: { countryCode: 'NO', category: 'WORK' }, orderBy: { effectiveFrom: 'asc' }, select: { id: true } });
    clock.set(justAfter(8));
    await eventually(async () => (await inForceItems()).length === 4, 5_000, 'the imported version in force');
    await sleep(1_000);
    expect((await inForceItems()).slice(3)).toEqual([{ policyId: imported[2]!.id, previousPolicyId: imported[1]!.id }]);
  });

  it('never announces a version whose day came before the deployment had in-force items (deployment.in_force_since)', async () => {
    const [a] = servers as [TestServer];
    const prisma = a.app.db.prisma;
    const ahead = await version(a, { countryCode: 'SE', category: 'ENTRY', status: 'CLOSED', effectiveFrom: formatIsoDate(day(10)) });
    const { inForceSince } = await prisma.deployment.findFirstOrThrow();
    // As if the migration had run on day 10: that day's versions were in force before the feature came.
    await prisma.deployment.updateMany({ data: { inForceSince: day(10) } });
    try {
      clock.set(justAfter(11));
      await sleep(1_000);
      expect((await inForceItems()).map((item) => item.policyId)).not.toContain(ahead);
    } finally {
      await prisma.deployment.updateMany({ data: { inForceSince } });
    }
    // The same version, with the deployment's real day back: the next midnight's run announces it (late).
    clock.set(justAfter(12));
    await eventually(async () => (await inForceItems()).some((item) => item.policyId === ahead), 5_000, 'the version announced');
  });

  it('never announces history: a seeded database (every version past-dated) gets no item, whatever the day', async () => {
    const seeded = await startTestServer({ template: 'seeded', clock: new ManualClock(day(400)) });
    try {
      expect(await seeded.app.db.prisma.feedEntry.count({ where: { kind: 'POLICY_IN_FORCE' } })).toBe(0);
      expect(await seeded.app.db.prisma.feedEntry.count()).toBeGreaterThan(0);
    } finally {
      await seeded.stop();
    }
  });
});
