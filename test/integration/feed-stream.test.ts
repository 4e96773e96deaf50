import http from 'node:http';
import WebSocket from 'ws';
import { eventFeedEntry } from '../../src/event/event-write.service';
import { appendFeedEntries } from '../../src/feed/feed.writer';
import { gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { addEvent } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { SseStream } from '../helpers/sse-client';

/** GET /feed/stream: the feed as Server-Sent Events, read by a raw event-stream client over a real server. */
let server: TestServer;
let origin: string;
const open: Array<{ close(): void }> = [];

beforeAll(async () => {
  server = await startTestServer({ template: 'bare', env: { SSE_HEARTBEAT_MS: '100' } });
  origin = new URL(server.url).origin;
});
afterEach(() => open.splice(0).forEach((stream) => stream.close()));
afterAll(() => server.stop());

function stream(path: string, headers: Record<string, string> = {}, at = origin): SseStream {
  const s = new SseStream(`${at}${path}`, { headers });
  open.push(s);
  return s;
}

/** The stream is subscribed once the relay has one more listener. */
async function subscribed(s: SseStream, target: TestServer = server, listeners = 1): Promise<void> {
  await s.opened;
  expect(s.status).toBe(200);
  await eventually(() => target.app.relay.listenerCount >= listeners, 5_000, 'the stream to subscribe');
}

let counter = 0;
async function newEvent(countryCode = 'FI', target: TestServer = server): Promise<string> {
  counter += 1;
  const title = `Stream event ${counter}`;
  await addEvent(target, { title, occurredOn: '2024-03-01', countryCode });
  return title;
}

const LATEST = `query ($first: Int) { feed(first: $first) { edges { cursor } } }`;
async function latestCursors(first: number): Promise<string[]> {
  const data = await gqlData(server.url, LATEST, { first });
  return (data.feed.edges as Array<{ cursor: string }>).map((edge) => edge.cursor).reverse();
}

const titles = (s: SseStream) => s.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data).title as string);

describe('GET /feed/stream', () => {
  it('sends each new item as it commits: id is its feed cursor, data the item /feed.json has for it', async () => {
    const s = stream('/feed/stream');
    await subscribed(s);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['cache-control']).toBe('no-store');
    const title = await newEvent();
    await s.waitForEvents(1);
    const [event] = s.events;
    const [cursor] = await latestCursors(1);
    expect(event!.id).toBe(cursor);
    const document = (await (await fetch(`${origin}/feed.json?first=1`)).json()) as any;
    expect(JSON.parse(event!.data)).toEqual(document.items[0]);
    expect(document.items[0].title).toBe(`Finland: ${title}`);
  });

  it('takes the news feeds\' filters: ?country=EE sends Estonia\'s items only', async () => {
    const s = stream('/feed/stream?country=EE&kind=EVENT');
    await subscribed(s);
    await newEvent('FI');
    const estonian = await newEvent('EE');
    await s.waitForEvents(1);
    await newEvent('FI');
    const next = await newEvent('EE');
    await s.waitForEvents(2);
    expect(titles(s)).toEqual([`Estonia: ${estonian}`, `Estonia: ${next}`]);
  });

  it('sends heartbeat comments while idle (SSE_HEARTBEAT_MS)', async () => {
    const s = stream('/feed/stream');
    await s.opened;
    await s.waitFor((x) => x.comments.filter((c) => c === 'heartbeat').length >= 2, 5_000, 'two heartbeats');
    expect(s.events).toEqual([]);
  });

  it('refuses bad parameters with 400 and a problem naming the parameter, before streaming', async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['/feed/stream?country=XX', {}, 'country'],
      ['/feed/stream?kind=GOSSIP', {}, 'kind'],
      ['/feed/stream?first=3', {}, 'first'],
      ['/feed/stream?after=junk', {}, 'after'],
      ['/feed/stream', { 'last-event-id': 'junk' }, 'Last-Event-ID'],
      ['/feed/stream?after=a&after=b', {}, 'after'],
    ];
    for (const [path, headers, parameter] of cases) {
      const response = await fetch(`${origin}${path}`, { headers });
      const body = (await response.json()) as any;
      expect({ path, status: response.status, type: response.headers.get('content-type'), parameter: body.parameter }).toEqual({
        path,
        status: 400,
        type: 'application/problem+json; charset=utf-8',
        parameter,
      });
    }
    expect(server.app.relay.listenerCount).toBe(0);
  });
});

describe('/metrics', () => {
  it('counts open streams by endpoint', async () => {
    const at = origin;
    const s = stream('/feed/stream', {}, at);
    await s.opened;
    const metrics = await (await fetch(`${at}/metrics`)).text();
    expect(metrics).toMatch(/^borderwatch_sse_streams\{endpoint="feed"\} 1$/m);
    expect(metrics).toMatch(/^borderwatch_sse_streams\{endpoint="graphql"\} 0$/m);
    s.close();
    await eventually(async () => /^borderwatch_sse_streams\{endpoint="feed"\} 0$/m.test(await (await fetch(`${at}/metrics`)).text()), 5_000, 'the gauge back at 0');
  });
});

describe('resuming', () => {
  it('with ?after= sends every item committed after the cursor, once, in order, then live ones', async () => {
    const before = await newEvent();
    const [from] = await latestCursors(1);
    const missed = [await newEvent(), await newEvent('EE'), await newEvent()];
    const s = stream(`/feed/stream?after=${encodeURIComponent(from!)}`);
    await subscribed(s);
    await s.waitForEvents(3);
    const live = await newEvent();
    await s.waitForEvents(4);
    expect(titles(s)).toEqual([...missed, live].map((t, i) => `${i === 1 ? 'Estonia' : 'Finland'}: ${t}`));
    expect(titles(s)).not.toContain(`Finland: ${before}`);
    const ids = s.events.map((e) => e.id);
    expect(ids).toEqual(await latestCursors(4));
  });

  it('with Last-Event-ID (what a reconnecting EventSource sends), which wins over the ?after= its URL still has', async () => {
    const [stale] = await latestCursors(1);
    await newEvent();
    const [last] = await latestCursors(1);
    const missed = [await newEvent(), await newEvent()];
    const s = stream(`/feed/stream?after=${encodeURIComponent(stale!)}`, { 'last-event-id': last! });
    await subscribed(s);
    await s.waitForEvents(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(titles(s)).toEqual(missed.map((t) => `Finland: ${t}`));
  });

  it('refuses a cursor ahead of the feed, naming where it came from', async () => {
    const ahead = server.app.services.feed.cursorOf(10n ** 12n);
    const byHeader = await fetch(`${origin}/feed/stream`, { headers: { 'last-event-id': ahead } });
    expect(byHeader.status).toBe(400);
    expect(((await byHeader.json()) as any).parameter).toBe('Last-Event-ID');
    const byQuery = await fetch(`${origin}/feed/stream?after=${encodeURIComponent(ahead)}`);
    expect(byQuery.status).toBe(400);
    expect(((await byQuery.json()) as any).parameter).toBe('after');
  });
});

describe('a reader that falls too far behind (FEED_MAX_QUEUE)', () => {
  let slow: TestServer;
  beforeAll(async () => {
    slow = await startTestServer({ template: 'bare', env: { FEED_MAX_QUEUE: '3' } });
  });
  afterAll(() => slow.stop());

  /** Commits `n` events in one transaction and hands them to the relay at once: a burst no reader keeps up with. */
  async function burst(n: number): Promise<void> {
    const { prisma } = slow.app.db;
    const { eventWrites } = slow.app.services;
    const entries = await prisma.$transaction(async (tx) => {
      const feed = [];
      for (let i = 0; i < n; i += 1) {
        const input = eventWrites.parse({ title: `Burst ${i}`, kind: 'OTHER', occurredOn: '2024-01-01', sources: [{ url: 'https://example.org/burst', title: 'B' }] });
        feed.push(eventFeedEntry(await eventWrites.addIn(tx, input)));
      }
      return appendFeedEntries(tx, feed);
    });
    slow.app.relay.offer(entries);
  }

  it('gets a lagging event with the cursor to resume from, then the stream ends; resuming from it loses nothing', async () => {
    const at = new URL(slow.url).origin;
    const s = stream('/feed/stream', {}, at);
    await subscribed(s, slow);
    await burst(20);
    await s.waitForEnd();
    const lagging = s.events.find((e) => e.event === 'lagging')!;
    expect(s.events.at(-1)).toBe(lagging);
    const { code, resumeAfter } = JSON.parse(lagging.data);
    expect(code).toBe('FEED_LAGGING');
    expect(lagging.id).toBe(resumeAfter);
    const received = s.events.filter((e) => e.event === 'message');
    expect(received.length).toBeLessThan(20);
    // The cursor is the last item the reader was sent: resuming there sends the rest.
    expect(resumeAfter).toBe(received.at(-1)?.id ?? resumeAfter);
    const rest = stream(`/feed/stream?after=${encodeURIComponent(resumeAfter)}`, {}, at);
    await rest.opened;
    await rest.waitForEvents(20 - received.length);
    const all = [...received, ...rest.events].map((e) => JSON.parse(e.data).title);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => `Burst ${i}`));
  });
});

describe('connections per address (WS_MAX_SOCKETS_PER_ADDRESS), counted with WebSockets', () => {
  let capped: TestServer;
  beforeAll(async () => {
    capped = await startTestServer({ template: 'bare', env: { WS_MAX_SOCKETS_PER_ADDRESS: '2' } });
  });
  afterAll(() => capped.stop());

  const socket = (url: string) =>
    new Promise<{ status: number; ws: WebSocket | null }>((resolve) => {
      const ws = new WebSocket(url, 'graphql-transport-ws');
      ws.once('open', () => resolve({ status: 101, ws }));
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws: null }));
    });

  it('refuses a stream with 429 once WebSockets and streams from the address reach the cap, and frees the place when one closes', async () => {
    const at = new URL(capped.url).origin;
    const first = await socket(capped.app.wsUrl);
    expect(first.status).toBe(101);
    const s = stream('/feed/stream', {}, at);
    await s.opened;
    expect(s.status).toBe(200);
    const refused = await fetch(`${at}/feed/stream`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).detail).toMatch(/at most 2/);
    expect((await socket(capped.app.wsUrl)).status).toBe(429);
    s.close();
    await eventually(async () => (await socket(capped.app.wsUrl).then((r) => (r.ws?.close(), r.status))) === 101, 5_000, 'a place once the stream closed');
    first.ws!.close();
  });
});

describe('readers that hang up at once', () => {
  /** Sends the request, then drops the connection a moment later: at any point of the stream's opening. */
  const hangUp = (url: string, headers: Record<string, string>, afterMs: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(url, { headers: { accept: 'text/event-stream', ...headers } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.end(() => setTimeout(() => req.destroy(), afterMs));
    });

  it('leave no subscription, stream or place behind, on either endpoint', async () => {
    const [from] = await latestCursors(3);
    const graphql = `${origin}/graphql/stream?query=${encodeURIComponent('subscription ($after: String) { feed(after: $after) { cursor } }')}&variables=${encodeURIComponent(JSON.stringify({ after: from }))}`;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        hangUp(i % 2 ? `${origin}/feed/stream?after=${encodeURIComponent(from!)}` : graphql, {}, i % 5),
      ),
    );
    await eventually(() => server.app.relay.listenerCount === 0, 5_000, 'every subscription to end');
    await eventually(async () => /^borderwatch_sse_streams\{endpoint="feed"\} 0$/m.test(await (await fetch(`${origin}/metrics`)).text()), 5_000, 'no feed stream open');
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toMatch(/^borderwatch_sse_streams\{endpoint="graphql"\} 0$/m);
  });
});

describe('shutdown', () => {
  it('ends open streams cleanly and promptly, after what was committed is sent', async () => {
    const own = await startTestServer({ template: 'bare' });
    const s = stream('/feed/stream', {}, new URL(own.url).origin);
    await subscribed(s, own);
    const title = await newEvent('FI', own);
    const started = Date.now();
    await own.stop();
    expect(Date.now() - started).toBeLessThan(4_000);
    await s.waitForEnd();
    expect(titles(s)).toEqual([`Finland: ${title}`]);
  });
});
