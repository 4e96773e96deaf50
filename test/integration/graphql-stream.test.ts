import { createClient, type Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { eventFeedEntry } from '../../src/event/event-write.service';
import { appendFeedEntries } from '../../src/feed/feed.writer';
import { gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { addEvent } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { SseStream } from '../helpers/sse-client';
import { TestSubscription } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION } from '../helpers/writes';

/** GraphQL over Server-Sent Events on /graphql/stream, through graphql-sse's own client, in both of its modes. */
let server: TestServer;
const disposers: Array<() => void> = [];

beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
});
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()));
afterAll(() => server.stop());

const streamUrl = (target: TestServer) => `${target.url}/stream`;

function sseClient(target: TestServer, singleConnection = false): SseClient {
  const client = createClient({ url: streamUrl(target), singleConnection, retryAttempts: 0 });
  disposers.push(() => client.dispose());
  return client;
}

/** The graphql-ws test subscription, over graphql-sse's client: both take the same (payload, sink). */
function subscribe(client: SseClient, query: string, variables: Record<string, unknown> = {}): TestSubscription {
  const subscription = new TestSubscription(client as unknown as WsClient, query, variables);
  disposers.push(() => subscription.unsubscribe());
  return subscription;
}

let counter = 0;
async function newEvent(target: TestServer = server): Promise<string> {
  counter += 1;
  const title = `SSE event ${counter}`;
  await addEvent(target, { title, occurredOn: '2024-03-01', countryCode: 'FI' });
  return title;
}

const latestCursor = async () => (await gqlData(server.url, 'query { feed(first: 1) { edges { cursor } } }')).feed.edges[0].cursor as string;
const titlesOf = (sub: TestSubscription) => sub.data.map((d) => d.feed.node.title as string);
const onPolicy = (selection: string) => `query { policies(first: 1) { edges { node { ${selection} } } } }`;
const codesOf = (sub: TestSubscription) => sub.results.flatMap((r) => (r.errors ?? []).map((e) => e.extensions?.code));

describe.each([
  ['distinct connections', false],
  ['a single connection (reservation)', true],
])('over %s', (_mode, single) => {
  it('answers a query', async () => {
    const client = sseClient(server, single);
    const query = subscribe(client, 'query Countries { countries(first: 2) { edges { node { code } } } }');
    await query.waitForEnd();
    expect(query.error).toBeNull();
    expect(query.data[0].countries.edges).toHaveLength(2);
  });

  it('delivers the feed subscription live, and resumes with `after` exactly once and in order', async () => {
    const client = sseClient(server, single);
    const live = subscribe(client, FEED_SUBSCRIPTION);
    await eventually(() => server.app.relay.listenerCount >= 1, 5_000, 'the subscription');
    const first = await newEvent();
    await live.waitForCount(1);
    expect(titlesOf(live)).toEqual([first]);
    const from = live.data[0].feed.cursor as string;
    live.unsubscribe();
    await eventually(() => server.app.relay.listenerCount === 0, 5_000, 'the subscription to end');

    const missed = [await newEvent(), await newEvent()];
    const resumed = subscribe(client, FEED_SUBSCRIPTION, { after: from });
    await resumed.waitForCount(2);
    const later = await newEvent();
    await resumed.waitForCount(3);
    expect(titlesOf(resumed)).toEqual([...missed, later]);
    expect(resumed.data.at(-1).feed.cursor).toBe(await latestCursor());
  });

  it('refuses what the WebSocket refuses, with the same codes', async () => {
    const client = sseClient(server, single);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [onPolicy(`${'previous { '.repeat(14)}id${' }'.repeat(14)}`), {}, 'QUERY_TOO_DEEP'],
      [onPolicy('id '.repeat(1500)), {}, 'QUERY_TOO_COMPLEX'],
      [onPolicy('__typename '.repeat(2500)), {}, 'TOO_MANY_TOKENS'],
      ['mutation { retract(id: "x", reason: "y") { id } }', {}, 'BAD_REQUEST'],
      ['query { countries(', {}, 'GRAPHQL_PARSE_FAILED'],
      ['query { nope }', {}, 'GRAPHQL_VALIDATION_FAILED'],
      [FEED_SUBSCRIPTION, { after: 'junk' }, 'BAD_USER_INPUT'],
      [FEED_SUBSCRIPTION, { filter: { countryCodes: Array.from({ length: 500 }, () => 'FI') } }, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, code] of cases) {
      const sub = subscribe(client, query, variables);
      await sub.waitForEnd();
      expect({ query: query.slice(0, 40), codes: codesOf(sub), error: sub.error }).toEqual({ query: query.slice(0, 40), codes: [code], error: null });
    }
    expect(server.app.relay.listenerCount).toBe(0);
  });
});

describe('limits of the WebSocket, applied to streams', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({
      template: 'bare',
      env: { WS_MAX_SUBSCRIPTIONS: '2', WS_MAX_SOCKETS_PER_ADDRESS: '2', WS_INIT_TIMEOUT_MS: '300', FEED_MAX_QUEUE: '3' },
    });
  });
  afterAll(() => limited.stop());
  const origin = () => new URL(limited.url).origin;
  const put = () => fetch(streamUrl(limited), { method: 'PUT' });

  it('WS_MAX_SUBSCRIPTIONS per reservation: one more subscription gets TOO_MANY_SUBSCRIPTIONS', async () => {
    const client = sseClient(limited, true);
    const subs = [subscribe(client, FEED_SUBSCRIPTION), subscribe(client, FEED_SUBSCRIPTION)];
    await eventually(() => limited.app.relay.listenerCount === 2, 5_000, 'two subscriptions');
    const third = subscribe(client, FEED_SUBSCRIPTION);
    await third.waitForEnd();
    expect(codesOf(third)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    subs.forEach((sub) => sub.unsubscribe());
    client.dispose();
    await eventually(() => limited.app.relay.listenerCount === 0, 5_000, 'the subscriptions to end');
  });

  it('WS_MAX_SOCKETS_PER_ADDRESS counts WebSockets, distinct streams and reservations together', async () => {
    await eventually(async () => {
      const probe = await put();
      return probe.status === 201;
    }, 5_000, 'free places');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const ws = new WebSocket(limited.app.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => ws.once('open', resolve));
    const reservation = await put();
    expect(reservation.status).toBe(201);
    const refusedPut = await put();
    expect(refusedPut.status).toBe(429);
    expect(((await refusedPut.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    const stream = new SseStream(`${origin()}/graphql/stream?query=${encodeURIComponent('{ countries(first: 1) { totalCount } }')}`);
    await stream.opened;
    expect(stream.status).toBe(429);
    ws.close();
  });

  it('a reservation nobody connects to ends after WS_INIT_TIMEOUT_MS, and gives its place back', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const a = await put();
    const b = await put();
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await put()).status).toBe(429);
    const token = await a.text();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await put()).status).toBe(201);
    // Its token is forgotten: an operation on it finds no stream.
    const late = await fetch(streamUrl(limited), { method: 'POST', headers: { 'content-type': 'application/json', 'x-graphql-event-stream-token': token }, body: JSON.stringify({ query: '{ countries(first: 1) { totalCount } }', extensions: { operationId: '1' } }) });
    expect(late.status).toBe(404);
  });

  it('a subscriber that falls behind gets FEED_LAGGING with where to resume, and its operation completes', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const client = sseClient(limited);
    const sub = subscribe(client, FEED_SUBSCRIPTION);
    await eventually(() => limited.app.relay.listenerCount === 1, 5_000, 'the subscription');
    const { prisma } = limited.app.db;
    const { eventWrites } = limited.app.services;
    const entries = await prisma.$transaction(async (tx) => {
      const feed = [];
      for (let i = 0; i < 12; i += 1) {
        const input = eventWrites.parse({ title: `Burst ${i}`, kind: 'OTHER', occurredOn: '2024-01-01', sources: [{ url: 'https://example.org/burst', title: 'B' }] });
        feed.push(eventFeedEntry(await eventWrites.addIn(tx, input)));
      }
      return appendFeedEntries(tx, feed);
    });
    limited.app.relay.offer(entries);
    await sub.waitForEnd();
    const lagging = sub.results.at(-1)!.errors![0]!;
    expect(lagging.extensions?.code).toBe('FEED_LAGGING');
    expect(sub.completed).toBe(true);
    const rest = subscribe(client, FEED_SUBSCRIPTION, { after: lagging.extensions?.resumeAfter });
    const received = sub.data.length;
    await rest.waitForCount(12 - received);
    expect([...sub.data, ...rest.data].map((d) => d.feed.node.title)).toEqual(Array.from({ length: 12 }, (_, i) => `Burst ${i}`));
  });
});

describe('rate limits of the WebSocket, applied to streams', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ template: 'bare', env: { RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE: '3', RATE_LIMIT_WS_MESSAGES_PER_MINUTE: '2' } });
  });
  afterAll(() => limited.stop());

  it('counts operations on a reservation as messages, and new streams of both endpoints as connections (429 with Retry-After)', async () => {
    const client = sseClient(limited, true);
    const queries = ['a', 'b', 'c'].map((name) => subscribe(client, `query ${name} { countries(first: 1) { totalCount } }`));
    await Promise.all(queries.map((query) => query.waitForEnd()));
    expect(queries.map(codesOf)).toEqual([[], [], ['RATE_LIMITED']]);
    // The reservation was the first connection of the minute; two more streams fit, the next is refused.
    const origin = new URL(limited.url).origin;
    const streams = [new SseStream(`${origin}/feed/stream`), new SseStream(`${origin}/feed/stream`), new SseStream(`${origin}/graphql/stream?query=${encodeURIComponent('{ __typename }')}`)];
    disposers.push(() => streams.forEach((stream) => stream.close()));
    await Promise.all(streams.map((stream) => stream.opened));
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 429]);
    expect(Number(streams[2]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(streams[2]!.json.errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('metrics and shutdown', () => {
  it('counts open GraphQL streams in /metrics and ends them at shutdown', async () => {
    const own = await startTestServer({ template: 'bare' });
    const client = sseClient(own, true);
    const sub = subscribe(client, FEED_SUBSCRIPTION);
    await eventually(() => own.app.relay.listenerCount === 1, 5_000, 'the subscription');
    const metrics = await (await fetch(`${new URL(own.url).origin}/metrics`)).text();
    expect(metrics).toMatch(/^borderwatch_sse_streams\{endpoint="graphql"\} 1$/m);
    expect(metrics).toMatch(/^borderwatch_graphql_operations_total\{transport="sse",type="subscription",operation="anonymous",outcome="ok"\} 1$/m);
    const title = await newEvent(own);
    await sub.waitForCount(1);
    const started = Date.now();
    await own.stop();
    expect(Date.now() - started).toBeLessThan(4_000);
    await sub.waitForEnd();
    expect(titlesOf(sub)).toEqual([title]);
  });
});
