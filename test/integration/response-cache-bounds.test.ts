import { gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The response cache is keyed by client input, so its keys are bounded like its answers (issue 11,
 * item 2): a variable the operation does not declare makes no entry, equal inputs share one, and a
 * declared variable counts its size against RESPONSE_CACHE_MB.
 */
let server: TestServer;
beforeAll(async () => {
  // 0.5 MiB: room for five keys of 90 kB.
  server = await startTestServer({ template: 'seeded', env: { RESPONSE_CACHE_MB: '0.5', FEED_POLL_MS: '3600000' } });
});
afterAll(() => server.stop());

async function cacheSize(): Promise<{ entries: number; bytes: number }> {
  const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return { entries: value('borderwatch_response_cache_entries'), bytes: value('borderwatch_response_cache_bytes') };
}

/** The answer, and how many SQL statements answering it cost. */
async function ask(query: string, variables?: Record<string, unknown>) {
  const before = server.app.db.queryCount;
  const result = await gql(server.url, query, variables);
  expect(result.errors).toBeUndefined();
  return { result, statements: server.app.db.queryCount - before };
}

describe('the response cache, against input it does not declare or that is large', () => {
  it('keeps one entry for { __typename } however many 90 kB undeclared variables come with it', async () => {
    const start = await cacheSize();
    for (let i = 0; i < 40; i += 1) {
      const { result } = await ask('{ __typename }', { pad: `${i}${'x'.repeat(90_000)}` });
      expect(result.data).toEqual({ __typename: 'Query' });
    }
    const after = await cacheSize();
    expect(after.entries - start.entries).toBe(1);
    expect(after.bytes - start.bytes).toBeLessThan(1_000);
  });

  it('answers inputs that execute the same from one entry, without SQL', async () => {
    const query = 'query ($filter: FeedFilter, $first: Int) { feed(filter: $filter, first: $first) { totalCount } }';
    const first = await ask(query, { first: 2, filter: { countryCodes: ['FI'], kinds: ['POLICY_CHANGE'] } });
    expect(first.statements).toBeGreaterThan(0);
    const entries = (await cacheSize()).entries;
    const same = await ask(query, { filter: { kinds: 'POLICY_CHANGE', countryCodes: 'FI' }, first: 2, junk: 'x'.repeat(50_000) });
    expect(same.statements).toBe(0);
    expect(same.result.data).toEqual(first.result.data);
    expect((await cacheSize()).entries).toBe(entries);
  });

  it('counts a declared variable\'s size against RESPONSE_CACHE_MB', async () => {
    const query = 'query ($search: String) { countries(first: 1, filter: { search: $search }) { totalCount } }';
    for (let i = 0; i < 20; i += 1) {
      const search = `${i}-${'y'.repeat(90_000)}`;
      await ask(query, { search });
      // Each is kept (the next identical request runs no SQL) until newer ones push it out.
      if (i === 0) expect((await ask(query, { search })).statements).toBe(0);
    }
    const { entries, bytes } = await cacheSize();
    expect(bytes).toBeLessThanOrEqual(0.5 * 2 ** 20);
    expect(entries).toBeLessThanOrEqual(5);
    expect(entries).toBeGreaterThan(0);
  });
});
