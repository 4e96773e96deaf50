import { Client } from 'pg';
import { errorCode, gql, gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/**
 * RELIABILITY B10, E3, E4: a statement that runs too long, a pool with no
 * free connection, concurrent writers of one policy. Each answer is a code,
 * and the instance serves the next request as usual.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    template: 'seeded',
    // No response cache: every request here must reach PostgreSQL.
    env: { DB_POOL_SIZE: '2', DB_CONNECT_TIMEOUT_MS: '500', DB_STATEMENT_TIMEOUT_MS: '300', RESPONSE_CACHE_MB: '0' },
  });
});
afterAll(() => server.stop());

/** Holds an exclusive lock on a table from a connection of its own until released. */
async function lockTable(table: string): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: server.db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

describe('a statement that waits too long', () => {
  it('is cancelled after DB_STATEMENT_TIMEOUT_MS and answered with SERVICE_UNAVAILABLE saying so', async () => {
    const release = await lockTable('policy');
    try {
      const started = Date.now();
      const result = await gql(server.url, '{ policies(first: 1) { totalCount } }');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.errors?.[0]).toMatchObject({ message: 'the database took too long to answer; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } });
    } finally {
      await release();
    }
    expect(errorCode(await gql(server.url, '{ policies(first: 1) { totalCount } }'))).toBeUndefined();
  });
});

describe('no free connection in the pool', () => {
  it('answers 12 concurrent requests over a pool of 2 with data or SERVICE_UNAVAILABLE within seconds, then serves as usual', async () => {
    const release = await lockTable('policy');
    const started = Date.now();
    let results;
    try {
      results = await Promise.all(Array.from({ length: 12 }, () => gql(server.url, '{ policies(first: 1) { totalCount } }')));
    } finally {
      await release();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(new Set(results.map((result) => errorCode(result)))).toEqual(new Set(['SERVICE_UNAVAILABLE']));
    expect(results.map((result) => result.status)).toEqual(results.map(() => 200));
    expect((await gqlData(server.url, '{ policies(first: 1) { totalCount } }')).policies.totalCount).toBeGreaterThan(0);
  });
});

describe('concurrent writers of one policy', () => {
  // Default pool and timeouts: this is about the outcome of the race, not about waiting.
  let writable: TestServer;
  beforeAll(async () => {
    writable = await startTestServer({ template: 'bare' });
  });
  afterAll(() => writable.stop());

  it('lets exactly one of 5 concurrent changes based on the same version through; the others get CONFLICT', async () => {
    const server = writable;
    const headers = await editorHeaders(server.app);
    const base = await recordPolicyChange(server.url, headers, { countryCode: 'AM', category: 'WORK' });
    expect(base.errors).toBeUndefined();
    const expectedPreviousId = base.data.recordPolicyChange.policy.id;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => recordPolicyChange(server.url, headers, { countryCode: 'AM', category: 'WORK', expectedPreviousId })),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(results.filter((result) => errorCode(result) === 'CONFLICT')).toHaveLength(4);
    const versions = await server.app.db.prisma.policy.count({ where: { countryCode: 'AM', category: 'WORK', effectiveTo: null } });
    expect(versions).toBe(1);
  });
});
