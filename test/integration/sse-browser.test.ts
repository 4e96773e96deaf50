import type { IncomingMessage } from 'node:http';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { launchGuardedBrowser, type GuardedBrowser } from '../helpers/browser';
import { gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { addEvent } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The two event streams as a browser uses them, in headless Chromium with every other host
 * refused: a plain EventSource on /feed/stream (with its own reconnection and Last-Event-ID), and
 * graphql-sse's client on /graphql/stream, bundled for the browser here with esbuild as the
 * playground and the map are. The test page is served on the server's own origin (Playwright
 * answers its URL), so the streams are same-origin, as on a site that hosts its own frontend.
 */
let server: TestServer;
let browser: GuardedBrowser;
let origin: string;
let clientBundle: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ template: 'bare' }), launchGuardedBrowser()]);
  origin = new URL(server.url).origin;
  const bundled = await build({
    // The client only: the server half (and graphql-js) is shaken out.
    stdin: { contents: "export { createClient } from 'graphql-sse';", resolveDir: __dirname },
    bundle: true,
    format: 'iife',
    globalName: 'GraphQLSSE',
    platform: 'browser',
    write: false,
  });
  clientBundle = bundled.outputFiles[0]!.text;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

const PAGE = '/__sse-test/';

interface BrowserEventSource {
  onopen: () => void;
  onmessage: (event: { data: string; lastEventId: string }) => void;
}

/** A blank page on the server's origin, with graphql-sse's client loaded as window.GraphQLSSE; no stream of an earlier page left. */
async function openPage(): Promise<Page> {
  await eventually(() => server.app.relay.listenerCount === 0, 10_000, 'no subscription left');
  const page = await browser.context.newPage();
  await page.route(`${origin}${PAGE}**`, (route) =>
    route.request().url().endsWith('.js')
      ? route.fulfill({ contentType: 'text/javascript', body: clientBundle })
      : route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>SSE</title><script src="graphql-sse.js"></script>' }),
  );
  await page.goto(`${origin}${PAGE}`);
  return page;
}

let counter = 0;
async function newEvent(): Promise<string> {
  counter += 1;
  const title = `Browser event ${counter}`;
  await addEvent(server, { title, occurredOn: '2024-03-01', countryCode: 'FI' });
  return title;
}

const latestCursor = async () => (await gqlData(server.url, '{ feed(first: 1) { edges { cursor } } }')).feed.edges[0].cursor as string;

describe('EventSource on /feed/stream', () => {
  it('receives live items, and after the server drops it, reconnects by itself with Last-Event-ID and gets every item written meanwhile exactly once, in order', async () => {
    const page = await openPage();
    // What the server is sent (Chromium adds Last-Event-ID below what Playwright reports).
    const lastEventIds: Array<string | null> = [];
    const record = (req: IncomingMessage) => {
      if (req.url?.startsWith('/feed/stream')) lastEventIds.push((req.headers['last-event-id'] as string | undefined) ?? null);
    };
    server.app.server.on('request', record);
    await page.evaluate(() => {
      const w = globalThis as unknown as { items: Array<{ id: string; title: string }>; opens: number };
      w.items = [];
      w.opens = 0;
      // The browser's EventSource (Node's types do not declare it).
      const { EventSource } = globalThis as unknown as { EventSource: new (url: string) => BrowserEventSource };
      const source = new EventSource('/feed/stream?country=FI');
      source.onopen = () => (w.opens += 1);
      source.onmessage = (event) => w.items.push({ id: event.lastEventId, title: JSON.parse(event.data).title });
    });
    const items = () => page.evaluate(() => (globalThis as unknown as { items: Array<{ id: string; title: string }> }).items);
    await eventually(() => server.app.relay.listenerCount === 1, 10_000, 'the EventSource to subscribe');

    const live = [await newEvent(), await newEvent()];
    await eventually(async () => (await items()).length === 2, 10_000, 'two live items');
    const lastBeforeDrop = await latestCursor();

    // The server drops every connection; items are written before the EventSource is back (it retries after 1 s).
    server.app.server.closeAllConnections();
    const meanwhile = [await newEvent(), await newEvent(), await newEvent()];
    expect(await page.evaluate(() => (globalThis as unknown as { opens: number }).opens)).toBe(1);
    await eventually(() => page.evaluate(() => (globalThis as unknown as { opens: number }).opens === 2), 15_000, 'the EventSource to reconnect');
    const after = [await newEvent()];
    const expected = [...live, ...meanwhile, ...after].map((title) => `Finland: ${title}`);
    await eventually(async () => (await items()).length >= expected.length, 10_000, 'every item');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const received = await items();
    expect(received.map((item) => item.title)).toEqual(expected);
    expect(new Set(received.map((item) => item.id)).size).toBe(expected.length);
    expect(received.at(-1)!.id).toBe(await latestCursor());
    server.app.server.off('request', record);
    expect(lastEventIds).toEqual([null, lastBeforeDrop]);
    expect(browser.outside).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('graphql-sse client on /graphql/stream', () => {
  it('receives a feed subscription, and resumes with after', async () => {
    const page = await openPage();
    const subscription = `subscription ($after: String) { feed(after: $after) { cursor node { ... on Event { title } } } }`;
    await page.evaluate(
      ({ url, query }) => {
        const w = globalThis as unknown as Record<string, unknown> & { GraphQLSSE: { createClient(options: object): { subscribe(p: object, s: object): () => void } } };
        const client = w.GraphQLSSE.createClient({ url, singleConnection: true, retryAttempts: 0 });
        w.client = client;
        w.results = [];
        w.subscribeFrom = (after: string | null) => {
          w.results = [];
          w.dispose = client.subscribe(
            { query, variables: { after } },
            { next: (result: unknown) => (w.results as unknown[]).push(result), error: (error: unknown) => (w.error = String(error)), complete: () => undefined },
          );
        };
        (w.subscribeFrom as (after: string | null) => void)(null);
      },
      { url: `${origin}/graphql/stream`, query: subscription },
    );
    type Result = { data: { feed: { cursor: string; node: { title: string } } } };
    const results = () => page.evaluate(() => (globalThis as unknown as { results: Result[] }).results);
    await eventually(() => server.app.relay.listenerCount === 1, 10_000, 'the client to subscribe');

    const first = await newEvent();
    await eventually(async () => (await results()).length === 1, 10_000, 'the first item');
    const [{ data }] = (await results()) as [Result];
    expect(data.feed.node.title).toBe(first);

    await page.evaluate(() => (globalThis as unknown as { dispose(): void }).dispose());
    await eventually(() => server.app.relay.listenerCount === 0, 10_000, 'the subscription to end');
    const missed = [await newEvent(), await newEvent()];
    await page.evaluate((after) => (globalThis as unknown as { subscribeFrom(after: string): void }).subscribeFrom(after), data.feed.cursor);
    await eventually(async () => (await results()).length === 2, 10_000, 'the missed items');
    const live = await newEvent();
    await eventually(async () => (await results()).length === 3, 10_000, 'the live item');
    expect((await results()).map((r) => r.data.feed.node.title)).toEqual([...missed, live]);
    expect(await page.evaluate(() => (globalThis as unknown as { error?: string }).error)).toBeUndefined();
    expect(browser.outside).toEqual([]);
    await page.close();
  }, 60_000);
});
