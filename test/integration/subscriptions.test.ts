import { gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, recordPolicyChange } from '../helpers/writes';

let server: TestServer;
let headers: Record<string, string>;
const clients: Array<{ dispose(): void | Promise<void> }> = [];

beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
  headers = await editorHeaders(server.app);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
afterAll(() => server.stop());

function subscribe(query: string, variables: Record<string, unknown> = {}) {
  const client = wsClient(server.app.wsUrl);
  clients.push(client);
  return new TestSubscription(client, query, variables);
}

describe('feed subscription', () => {
  it('delivers a change recorded over HTTP to a WebSocket subscriber, as a feed edge of the query\'s cursor space', async () => {
    const sub = subscribe(FEED_SUBSCRIPTION);
    await waitForListeners(1);
    const written = await recordPolicyChange(server.url, headers, { countryCode: 'EE' });
    expect(written.errors).toBeUndefined();
    await sub.waitForCount(1);
    const edge = sub.data[0]!.feed;
    expect(edge.kind).toBe('POLICY_CHANGE');
    expect(edge.node.policy.id).toBe(written.data.recordPolicyChange.policy.id);
    expect(edge.cursor).toBe(written.data.recordPolicyChange.cursor);
    const { feed } = await gqlData(server.url, '{ feed(first: 1) { edges { cursor } } }');
    expect(feed.edges[0].cursor).toBe(edge.cursor);
  });

  it('applies the filter on the server: a subscriber never sees items outside it', async () => {
    const onlyLatvia = subscribe(FEED_SUBSCRIPTION, { filter: { countryCodes: ['LV'] } });
    const onlyEvents = subscribe(FEED_SUBSCRIPTION, { filter: { kinds: ['EVENT'] } });
    await waitForListeners(2);
    await recordPolicyChange(server.url, headers, { countryCode: 'LT' });
    const latvia = await recordPolicyChange(server.url, headers, { countryCode: 'LV' });
    await onlyLatvia.waitForCount(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onlyLatvia.data.map((d) => d.feed.node.policy.id)).toEqual([latvia.data.recordPolicyChange.policy.id]);
    expect(onlyEvents.results).toEqual([]);
  });

  it('refuses a bad filter with a clear error naming the field', async () => {
    const sub = subscribe(FEED_SUBSCRIPTION, { filter: { countryCodes: ['XX'] } });
    await sub.waitForEnd();
    const error = (sub.results[0]?.errors ?? (sub.error as any))?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.extensions?.field).toBe('filter.countryCodes.0');
  });

  it('resumes from a cursor: exactly what was missed, in order, then live items', async () => {
    const first = subscribe(FEED_SUBSCRIPTION);
    await waitForListeners(1);
    await recordPolicyChange(server.url, headers, { countryCode: 'PL' });
    await first.waitForCount(1);
    const lastSeen: string = first.data[0]!.feed.cursor;
    first.unsubscribe();

    const missed: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const result = await recordPolicyChange(server.url, headers, { countryCode: 'PL' });
      missed.push(result.data.recordPolicyChange.policy.id);
    }
    const resumed = subscribe(FEED_SUBSCRIPTION, { after: lastSeen });
    await resumed.waitForCount(50);
    const live = await recordPolicyChange(server.url, headers, { countryCode: 'PL' });
    await resumed.waitForCount(51);
    const ids = resumed.data.map((d) => d.feed.node.policy.id);
    expect(ids).toEqual([...missed, live.data.recordPolicyChange.policy.id]);
    const cursors = resumed.data.map((d) => d.feed.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
  });
});

async function waitForListeners(count: number): Promise<void> {
  for (let i = 0; i < 250; i += 1) {
    if (server.app.relay.listenerCount >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`only ${server.app.relay.listenerCount} of ${count} subscriptions became live`);
}
