import { Pool } from 'pg';
import { Sql } from '../../src/db/sql';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 11, item 7: named prepared statements live on every pooled connection
 * for as long as it lives, so the SQL texts that clients can lead to must be
 * few. Each test reads pg_prepared_statements on a pool of one connection.
 */
const prepared = async (pool: Pool) => (await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map((row) => row.statement);

describe('policies in force', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { DB_POOL_SIZE: '1', RESPONSE_CACHE_MB: '0' } });
  });
  afterAll(() => server.stop());

  // Beyond the six always read (id, countryCode, nationality, category, effectiveFrom, effectiveTo).
  const OPTIONAL = ['status', 'visaRequirement', 'maxStayDays', 'title', 'summary', 'changedAfter', 'announcedAt', 'recordedAt', 'previousId', 'verification', 'retractedAt', 'retractionReason'];
  const ALL = ['id', 'countryCode', 'category', ...OPTIONAL];
  const query = (fields: string[]) => `{ countries(first: 20, filter: { region: "Europe" }) { edges { node { code
    now: currentPolicies { ${fields.join(' ')} } then: policiesAt(date: "2022-10-15") { ${fields.join(' ')} } } } } }`;

  it('reads any of 80 field selections with at most three statement texts, and answers each as the full selection does', async () => {
    const full = (await gqlData(server.url, query(ALL))).countries.edges;
    expect(full.flatMap((edge: any) => [...edge.node.now, ...edge.node.then]).length).toBeGreaterThan(20);
    for (let mask = 1; mask <= 80; mask += 1) {
      const fields = ['id', ...OPTIONAL.filter((_, bit) => mask & (1 << bit))];
      const edges = (await gqlData(server.url, query(fields))).countries.edges;
      const pick = (policies: Array<Record<string, unknown>>) => policies.map((policy) => Object.fromEntries(fields.map((field) => [field, policy[field]])));
      expect(edges.map((edge: any) => [pick(edge.node.now), pick(edge.node.then)])).toEqual(full.map((edge: any) => [pick(edge.node.now), pick(edge.node.then)]));
    }
    const inForce = (await prepared(server.app.db.pool)).filter((text) => text.includes('WITH open AS'));
    expect(inForce.length).toBeGreaterThan(0);
    expect(inForce.length).toBeLessThanOrEqual(3);
  });
});

describe('Sql', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase('bare');
    pool = new Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('names at most its budget of texts: the rest run unnamed, with the same answers', async () => {
    const sql = new Sql(pool, () => undefined, true, 5);
    for (let round = 0; round < 2; round += 1) {
      for (let n = 0; n < 12; n += 1) {
        expect(await sql.one<{ v: number }>(`SELECT $1::int + ${n} AS v`, [round])).toEqual({ v: round + n });
      }
    }
    expect(await prepared(pool)).toHaveLength(5);
    expect(sql.preparedCount).toBe(5);
  });
});
