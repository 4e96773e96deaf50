import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { REDIS_URL } from '../helpers/env';
import { gql, gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/** Whole answers to public reads are kept until the data changes, on every instance. */
const QUERY = '{ country(code: "IS") { currentPolicies(category: TRANSIT) { title } } }';

describe('the response cache', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('seeded');
    // No relay polling: its statements would land in the counts, and B must hear of A's writes through Redis.
    const env = { REDIS_URL, REDIS_PREFIX: `bw-test-${randomUUID()}`, FEED_POLL_MS: '3600000' };
    [a, b] = await Promise.all([startTestServer({ database: db, env }), startTestServer({ database: db, env })]);
    headers = await editorHeaders(a.app);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await db.drop();
  });

  /** The answer, and how many SQL statements answering it cost. */
  async function ask(server: TestServer, query = QUERY, extra: Record<string, string> = {}) {
    const before = server.app.db.queryCount;
    const result = await gql(server.url, query, undefined, extra);
    return { result, statements: server.app.db.queryCount - before };
  }

  it('answers a repeated public query without SQL', async () => {
    const first = await ask(a);
    expect(first.statements).toBeGreaterThan(0);
    const again = await ask(a);
    expect(again.statements).toBe(0);
    expect(again.result.data).toEqual(first.result.data);
    expect(again.result.headers.get('cache-control')).toBe('max-age=30, public');
  });

  it('answers afresh after a change, on the instance that wrote it and on the other one', async () => {
    await ask(a);
    await ask(b);
    expect((await ask(a)).statements).toBe(0);
    expect((await ask(b)).statements).toBe(0);

    const written = await recordPolicyChange(a.url, headers, { countryCode: 'IS', category: 'TRANSIT', effectiveFrom: '2024-01-01' });
    const title = written.data.recordPolicyChange.policy.title;
    expect((await ask(a)).result.data).toEqual({ country: { currentPolicies: [{ title }] } });
    // B hears of the change through Redis and drops what it kept.
    await eventually(async () => JSON.stringify((await ask(b)).result.data).includes(title), 5_000, 'B to answer with the change');
  });

  it('never keeps an answer for a request with a token, nor one with errors', async () => {
    await ask(a);
    expect((await ask(a, QUERY, headers)).statements).toBeGreaterThan(0);
    expect((await ask(a, QUERY, headers)).statements).toBeGreaterThan(0);
    // Partial data (statements, read from PostgreSQL) with an error beside it.
    const bad = '{ statements(first: 1) { edges { cursor } } country(code: "IS") { policiesAt(date: "2022-01-01", nationality: "QQ") { id } } }';
    const first = await ask(a, bad);
    expect(first.result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first.statements).toBeGreaterThan(0);
    const again = await ask(a, bad);
    expect(again.result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.statements).toBeGreaterThan(0);
  });

  it('keys answers by variables', async () => {
    const query = 'query ($code: ID!) { country(code: $code) { name } }';
    const fi = await gqlData(a.url, query, { code: 'FI' });
    const ee = await gqlData(a.url, query, { code: 'EE' });
    expect(fi).toEqual({ country: { name: 'Finland' } });
    expect(ee).toEqual({ country: { name: 'Estonia' } });
  });

  it('counts its hits and misses in /metrics (borderwatch_response_cache_lookups_total)', async () => {
    const lookups = async () => {
      const text = await (await fetch(a.url.replace('/graphql', '/metrics'))).text();
      const count = (result: string) => Number(new RegExp(`^borderwatch_response_cache_lookups_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
      return { hit: count('hit'), miss: count('miss') };
    };
    const query = '{ country(code: "NO") { name currentPolicies { category } } }';
    const before = await lookups();
    await ask(a, query);
    await ask(a, query);
    await ask(a, query);
    // A request with a token is not looked up at all.
    await ask(a, query, headers);
    expect(await lookups()).toEqual({ hit: before.hit + 2, miss: before.miss + 1 });
  });

  it('can be turned off with RESPONSE_CACHE_MB=0', async () => {
    const off = await startTestServer({ database: db, env: { RESPONSE_CACHE_MB: '0', FEED_POLL_MS: '3600000' } });
    try {
      await ask(off);
      expect((await ask(off)).statements).toBeGreaterThan(0);
    } finally {
      await off.stop();
    }
  });
});
