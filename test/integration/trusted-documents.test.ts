import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAP_COUNTRIES, MAP_NATIONALITIES } from '../../src/map/map.queries';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { RECORD_POLICY_CHANGE, recordPolicyChange } from '../helpers/writes';
import { createClient as createSseClient } from 'graphql-sse';
import { TestSubscription, wsClient } from '../helpers/ws-client';

/**
 * TRUSTED_DOCUMENTS_ONLY=true: a manifest in GraphQL Code Generator's
 * persisted-documents.json format, a real server, and listed operations run by
 * hash over HTTP, WebSocket and Server-Sent Events while unlisted ones are refused on all three.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'test-output', 'trusted-documents');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const LISTED_QUERY = 'query ListedCountries { countries(first: 2) { edges { node { code } } } }';
const LISTED_SUBSCRIPTION = 'subscription ListedFeed { feed(filter: { countryCodes: ["EE"] }) { cursor node { __typename ... on PolicyChange { policy { title } } } } }';
const UNLISTED_QUERY = '{ countries(first: 1) { totalCount } }';
const UNLISTED_SUBSCRIPTION = 'subscription { feed { cursor } }';

let server: TestServer;
let manifest: string;

async function writeManifest(name: string, documents: Record<string, string>): Promise<string> {
  await mkdir(WORK, { recursive: true });
  const file = path.join(WORK, name);
  await writeFile(file, JSON.stringify(documents, null, 2));
  return file;
}

beforeAll(async () => {
  // The editors' tool's write is an operation like any other: it is listed too.
  const documents = [LISTED_QUERY, LISTED_SUBSCRIPTION, RECORD_POLICY_CHANGE];
  manifest = await writeManifest('persisted-documents.json', Object.fromEntries(documents.map((text) => [sha256(text), text])));
  // No background polls: the test counts the statements a refused request did not send.
  server = await startTestServer({ env: { TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_ONLY: 'true', FEED_POLL_MS: '3600000' } });
});
afterAll(() => server.stop());

async function post(body: Record<string, unknown>) {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, cache: response.headers.get('cache-control'), body: (await response.json()) as any };
}

const persisted = (text: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(text) } });

describe('TRUSTED_DOCUMENTS_ONLY=true over HTTP', () => {
  it('runs a listed operation by its hash (APQ shape), by documentId, and as its own text', async () => {
    for (const body of [{ extensions: persisted(LISTED_QUERY) }, { documentId: sha256(LISTED_QUERY) }, { documentId: `sha256:${sha256(LISTED_QUERY)}` }, { query: LISTED_QUERY }]) {
      const answer = await post(body);
      expect({ body, status: answer.status, errors: answer.body.errors }).toEqual({ body, status: 200, errors: undefined });
      expect(answer.body.data.countries.edges).toHaveLength(2);
    }
  });

  it('runs a listed operation by hash over GET, cacheable like any public read', async () => {
    const extensions = encodeURIComponent(JSON.stringify(persisted(LISTED_QUERY)));
    const response = await fetch(`${server.url}?extensions=${extensions}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('max-age=30, public');
    expect(((await response.json()) as any).data.countries.edges).toHaveLength(2);
  });

  it('refuses an unlisted operation, by text or by hash, with 400 PERSISTED_QUERY_NOT_ALLOWED, and runs nothing', async () => {
    const before = server.app.db.queryCount;
    for (const body of [{ query: UNLISTED_QUERY }, { extensions: persisted(UNLISTED_QUERY) }, { documentId: sha256(UNLISTED_QUERY) }]) {
      const answer = await post(body);
      expect({ body, status: answer.status, code: answer.body.errors?.[0]?.extensions?.code, cache: answer.cache }).toEqual({
        body,
        status: 400,
        code: 'PERSISTED_QUERY_NOT_ALLOWED',
        cache: 'no-store',
      });
      expect(answer.body.data).toBeUndefined();
    }
    const get = await fetch(`${server.url}?query=${encodeURIComponent(UNLISTED_QUERY)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(400);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(server.app.db.queryCount).toBe(before);
  });

  it("trusts the server's own pages' operations (the map's) without a manifest entry", async () => {
    const answer = await post({ query: MAP_COUNTRIES, variables: { after: null } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.countries.edges.length).toBeGreaterThan(0);
    expect((await post({ extensions: persisted(MAP_COUNTRIES) })).body.data.countries.edges.length).toBeGreaterThan(0);
    // One added to src/map/map.queries.ts is trusted with the rest (MAP_OPERATIONS).
    expect((await post({ extensions: persisted(MAP_NATIONALITIES) })).body.data.nationalities.length).toBeGreaterThan(1);
  });
});

/**
 * On a streaming transport: a listed subscription sent by hash runs and gets the next item; an unlisted
 * one, by text or by hash, gets only the refusal (`codesOf` reads it as that transport sends it).
 */
async function listedRunsUnlistedRefused(client: ReturnType<typeof wsClient>, codesOf: (refused: TestSubscription) => unknown[], title: string): Promise<void> {
  // The previous test's subscriptions end asynchronously after its client went.
  await waitForListeners(0, 'down');
  const listening = server.app.relay.listenerCount;
  // graphql-ws and graphql-sse need a `query` string: a client sending a hash sends an empty one.
  const byHash = new TestSubscriptionWithExtensions(client, persisted(LISTED_SUBSCRIPTION));
  const unlisted = new TestSubscription(client, UNLISTED_SUBSCRIPTION);
  const unlistedByHash = new TestSubscriptionWithExtensions(client, persisted(UNLISTED_SUBSCRIPTION));
  await unlisted.waitForEnd();
  await unlistedByHash.waitForEnd();
  for (const refused of [unlisted, unlistedByHash.subscription]) {
    expect(codesOf(refused)).toEqual(['PERSISTED_QUERY_NOT_ALLOWED']);
    expect(refused.data).toEqual([]);
  }
  await waitForListeners(listening + 1);
  expect((await recordPolicyChange(server.url, await editorHeaders(server.app), { countryCode: 'EE', title })).errors).toBeUndefined();
  await byHash.subscription.waitForCount(1);
  expect(byHash.subscription.data[0].feed.node.policy.title).toBe(title);
}

describe('TRUSTED_DOCUMENTS_ONLY=true over WebSocket', () => {
  it('runs a listed subscription sent by hash and refuses an unlisted one', async () => {
    const client = wsClient(server.app.wsUrl);
    try {
      // graphql-ws refuses in an `error` message.
      await listedRunsUnlistedRefused(client, (refused) => (refused.error as any[]).map((e) => e.extensions.code), `Trusted live item ${Date.now()}`);
    } finally {
      await client.dispose();
    }
  });
});

describe('TRUSTED_DOCUMENTS_ONLY=true over Server-Sent Events (/graphql/stream)', () => {
  it.each([
    ['distinct connections', false],
    ['a single connection', true],
  ])('over %s: runs a listed subscription sent by hash and refuses an unlisted one, by text or by hash', async (_mode, singleConnection) => {
    const sse = createSseClient({ url: `${server.url}/stream`, singleConnection, retryAttempts: 0 });
    // graphql-sse's client and graphql-ws's take the same (payload, sink): the WebSocket helpers serve both.
    const client = sse as unknown as ReturnType<typeof wsClient>;
    // graphql-sse sends a refusal as the operation's one result (or an error, should the request fail).
    const codesOf = (refused: TestSubscription) =>
      [...refused.results.flatMap((r) => r.errors ?? []), ...((refused.error as any[] | null) ?? [])].map((e: any) => e.extensions?.code);
    try {
      await listedRunsUnlistedRefused(client, codesOf, `Trusted SSE item ${Date.now()}`);
    } finally {
      sse.dispose();
    }
  });
});

describe('a manifest that does not match its documents', () => {
  it('stops the start with a message naming the key and the real hash', async () => {
    const bad = await writeManifest('mismatched.json', { [sha256(LISTED_QUERY)]: `${LISTED_QUERY} ` });
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
      env: { PATH: process.env.PATH, TRUSTED_DOCUMENTS: bad, TRUSTED_DOCUMENTS_ONLY: 'true', PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(WORK, 'never-opened') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`the document listed under ${sha256(LISTED_QUERY)} has the SHA-256 ${sha256(`${LISTED_QUERY} `)}`);
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  }, 30_000);
});

/** A subscription whose payload carries extensions (a persisted-query hash) and an empty query. */
class TestSubscriptionWithExtensions {
  readonly subscription: TestSubscription;
  constructor(client: ReturnType<typeof wsClient>, extensions: Record<string, unknown>) {
    const subscribe = client.subscribe.bind(client);
    // TestSubscription sends { query, variables }; this one adds the extensions the hash travels in.
    const withExtensions = Object.create(client) as typeof client;
    withExtensions.subscribe = (payload, sink) => subscribe({ ...payload, extensions }, sink);
    this.subscription = new TestSubscription(withExtensions, '');
  }

  waitForEnd(): Promise<void> {
    return this.subscription.waitForEnd();
  }

  get error(): unknown {
    return this.subscription.error;
  }
}

async function waitForListeners(count: number, direction: 'up' | 'down' = 'up'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (direction === 'up' ? server.app.relay.listenerCount < count : server.app.relay.listenerCount > count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} feed listeners`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
