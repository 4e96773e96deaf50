import { createHash } from 'node:crypto';
import { gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

/** What a browser frontend meets over HTTP: CORS, CSRF prevention, persisted queries, Cache-Control. */
const ALLOWED = 'https://app.example.org';
let server: TestServer;
let closed: TestServer;
let token: Record<string, string>;

beforeAll(async () => {
  [server, closed] = await Promise.all([
    startTestServer({ env: { CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` } }),
    startTestServer({ template: 'bare' }),
  ]);
  token = await editorHeaders(server.app);
});
afterAll(() => Promise.all([server?.stop(), closed?.stop()]));

const QUERY = '{ countries(first: 2) { edges { node { code } } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function getQuery(url: string, params: Record<string, unknown>, headers: Record<string, string> = {}) {
  const search = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
  return fetch(`${url}?${search}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
}

describe('CORS (CORS_ORIGINS)', () => {
  it('lets an allowed origin read answers, and no other', async () => {
    const allowed = await post(server.url, { query: QUERY }, { origin: ALLOWED });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    const other = await post(server.url, { query: QUERY }, { origin: 'https://elsewhere.example' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the preflight of an allowed origin with the methods and headers a frontend sends', async () => {
    const preflight = await fetch(server.url, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('authorization'));
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    const refused = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows no origin by default: only same-origin pages call the API', async () => {
    const response = await post(closed.url, { query: QUERY }, { origin: ALLOWED });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('applies to the news feeds too', async () => {
    const feed = await fetch(new URL('/feed.json', server.url), { headers: { origin: ALLOWED } });
    expect(feed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });
});

describe('CSRF prevention (Apollo\'s, kept on)', () => {
  it('refuses a GET a browser could send without a preflight, even from an allowed origin', async () => {
    for (const headers of [{}, { origin: ALLOWED }] as Array<Record<string, string>>) {
      const response = await fetch(`${server.url}?query=${encodeURIComponent(QUERY)}`, { headers });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/CSRF/);
    }
  });

  it('refuses a simple POST (text/plain), and accepts the same query with a JSON body', async () => {
    const simple = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: QUERY }) });
    expect(simple.status).toBe(400);
    expect((await post(server.url, { query: QUERY })).status).toBe(200);
  });
});

describe('automatic persisted queries', () => {
  it('asks for the text of an unknown hash, remembers it once sent, then answers the hash alone over GET and POST', async () => {
    const query = `{ country(code: "FI") { name } } # apq ${Date.now()}`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };

    const unknown = (await (await getQuery(server.url, { extensions: { persistedQuery } })).json()) as any;
    expect(unknown.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await (await post(server.url, { query, extensions: { persistedQuery } })).json();
    expect(registered).toEqual({ data: { country: { name: 'Finland' } } });

    const byGet = await getQuery(server.url, { extensions: { persistedQuery } });
    expect(await byGet.json()).toEqual({ data: { country: { name: 'Finland' } } });
    expect(byGet.headers.get('cache-control')).toBe('max-age=30, public');
    expect(await (await post(server.url, { extensions: { persistedQuery } })).json()).toEqual({ data: { country: { name: 'Finland' } } });
  });

  it('refuses a text that does not match its hash', async () => {
    const response = await post(server.url, { query: QUERY, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0]).toMatchObject({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
  });
});

describe('Cache-Control', () => {
  it('lets anyone keep a public read for a short time', async () => {
    expect((await post(server.url, { query: QUERY })).headers.get('cache-control')).toBe('max-age=30, public');
    expect((await getQuery(server.url, { query: QUERY })).headers.get('cache-control')).toBe('max-age=30, public');
  });

  it('makes anything sent with a token private', async () => {
    expect((await post(server.url, { query: QUERY }, token)).headers.get('cache-control')).toBe('max-age=30, private');
    expect((await post(server.url, { query: QUERY }, { authorization: 'Bearer not-a-token' })).headers.get('cache-control')).toBe('max-age=30, private');
  });

  it('never lets a mutation or an answer with errors be stored', async () => {
    const mutation = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput() }, token);
    expect(mutation.errors).toBeUndefined();
    expect(mutation.headers.get('cache-control')).toBe('no-store');
    const refused = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput() });
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const badPage = await gql(server.url, '{ countries(first: 1000) { totalCount } }');
    expect(badPage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badPage.headers.get('cache-control')).toBe('no-store');
  });
});
