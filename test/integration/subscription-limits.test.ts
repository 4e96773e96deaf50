import { appendFeedEntries } from '../../src/feed/feed.writer';
import { eventFeedEntry } from '../../src/event/event-write.service';
import { gql } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

let server: TestServer;
const clients: Array<{ dispose(): void | Promise<void> }> = [];
beforeAll(async () => {
  server = await startTestServer({ template: 'bare', env: { FEED_MAX_QUEUE: '5' } });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => server.stop());

function subscribe(query: string, variables: Record<string, unknown> = {}) {
  const client = wsClient(server.app.wsUrl);
  clients.push(client);
  return new TestSubscription(client, query, variables);
}

/** Commits `n` events in one transaction and hands them to the relay at once: a burst no client keeps up with. */
async function burstOfEvents(n: number): Promise<bigint[]> {
  const { prisma } = server.app.db;
  const { eventWrites } = server.app.services;
  const entries = await prisma.$transaction(async (tx) => {
    const feed = [];
    for (let i = 0; i < n; i += 1) {
      const input = eventWrites.parse({ title: `Burst ${i} ${Date.now()}`, kind: 'OTHER', occurredOn: '2024-01-01', sources: [{ url: 'https://example.org/burst', title: 'B' }] });
      feed.push(eventFeedEntry(await eventWrites.addIn(tx, input)));
    }
    return appendFeedEntries(tx, feed);
  });
  server.app.relay.offer(entries);
  return entries.map((e) => e.seq);
}

const seqOf = (cursor: string) => BigInt(JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString())[1]);

describe('a subscriber that falls too far behind', () => {
  it('is told so with FEED_LAGGING and a cursor to resume from, and resuming loses nothing', async () => {
    const sub = subscribe(FEED_SUBSCRIPTION);
    await eventually(() => server.app.relay.listenerCount === 1, 5_000, 'subscription');
    const seqs = await burstOfEvents(30);
    await sub.waitForEnd();
    const error = (sub.error as Array<{ extensions?: Record<string, unknown> }>)[0]!;
    expect(error.extensions?.code).toBe('FEED_LAGGING');
    const resumeAfter = String(error.extensions?.resumeAfter);
    const received = sub.data.map((d) => seqOf(d.feed.cursor));
    expect(received).toEqual(seqs.slice(0, received.length));
    expect(seqOf(resumeAfter)).toBe(received.length > 0 ? received[received.length - 1] : seqs[0]! - 1n);

    const resumed = subscribe(FEED_SUBSCRIPTION, { after: resumeAfter });
    await resumed.waitForCount(seqs.length - received.length);
    expect([...received, ...resumed.data.map((d) => seqOf(d.feed.cursor))]).toEqual(seqs);
  });

  it('leaves other subscribers on the same server alone', async () => {
    const slowFilter = subscribe(FEED_SUBSCRIPTION, { filter: { kinds: ['EVENT'] } });
    const quiet = subscribe(FEED_SUBSCRIPTION, { filter: { kinds: ['STATEMENT'] } });
    await eventually(() => server.app.relay.listenerCount === 2, 5_000, 'subscriptions');
    await burstOfEvents(20);
    await slowFilter.waitForEnd();
    expect(quiet.error).toBeNull();
    expect(quiet.completed).toBe(false);
    expect(server.app.relay.listenerCount).toBe(1);
  });
});

describe('policyChanged', () => {
  const POLICY_CHANGED = `subscription ($filter: PolicyChangedFilter, $after: String) {
    policyChanged(filter: $filter, after: $after) { cursor direction policy { countryCode category status title } }
  }`;

  it('delivers policy changes only, filtered by country, category and status on the server', async () => {
    const headers = await editorHeaders(server.app);
    const all = subscribe(POLICY_CHANGED);
    const closedEntry = subscribe(POLICY_CHANGED, { filter: { categories: ['ENTRY'], statuses: ['CLOSED'] } });
    const estonia = subscribe(POLICY_CHANGED, { filter: { countryCodes: ['EE'] } });
    await eventually(() => server.app.relay.listenerCount === 3, 5_000, 'subscriptions');

    const write = (overrides: Record<string, unknown>) => gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput(overrides) }, headers);
    await write({ countryCode: 'EE', category: 'ENTRY', status: 'RESTRICTED' });
    await write({ countryCode: 'FI', category: 'ENTRY', status: 'CLOSED' });
    await write({ countryCode: 'FI', category: 'VISA', status: 'CLOSED' });
    await gql(server.url, 'mutation ($input: AddEventInput!) { addEvent(input: $input) { id } }', {
      input: { title: 'Not a policy', kind: 'OTHER', occurredOn: '2024-01-01', countryCode: 'EE', sources: [{ url: 'https://example.org/e', title: 'E' }] },
    }, headers);
    await all.waitForCount(3);
    await closedEntry.waitForCount(1);
    await estonia.waitForCount(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(all.data.map((d) => d.policyChanged.policy.countryCode + d.policyChanged.policy.category)).toEqual(['EEENTRY', 'FIENTRY', 'FIVISA']);
    expect(closedEntry.data.map((d) => d.policyChanged.policy)).toEqual([expect.objectContaining({ countryCode: 'FI', category: 'ENTRY', status: 'CLOSED' })]);
    expect(estonia.data.map((d) => d.policyChanged.policy.countryCode)).toEqual(['EE']);

    const resumed = subscribe(POLICY_CHANGED, { after: all.data[0]!.policyChanged.cursor, filter: { countryCodes: ['FI'] } });
    await resumed.waitForCount(2);
    expect(resumed.data.map((d) => d.policyChanged.policy.category)).toEqual(['ENTRY', 'VISA']);
  });
});
