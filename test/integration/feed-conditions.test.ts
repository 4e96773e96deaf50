import fc from 'fast-check';
import { Pool } from 'pg';
import { FeedKind, PolicyCategory, PolicyStatus } from '../../src/common/enums';
import { Sql } from '../../src/db/sql';
import { feedFilterConditions, policyChangedConditions, toPredicate, toSql, type EntryCondition } from '../../src/feed/feed-entry.conditions';
import { FEED_COLUMNS } from '../../src/feed/feed.sql';
import type { FeedEntryRow } from '../../src/generated/model';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * A filter is described once (src/feed/feed-entry.conditions.ts) and compiled to SQL (pages, replays)
 * and to the fan-out's predicate (live delivery). On generated entries in PostgreSQL and generated
 * filters of both kinds, the two select the same entries.
 */
const CODES = ['FI', 'EE', 'LV', 'NO', 'SE'];
const NATIONALITIES = ['RU', 'BY', 'FI'];
const values = <T extends Record<string, string>>(e: T) => Object.values(e) as Array<T[keyof T]>;

const entryArb = fc.record({
  kind: fc.constantFrom(...values(FeedKind)),
  nationality: fc.option(fc.constantFrom(...NATIONALITIES), { nil: null }),
  countryCodes: fc.subarray(CODES),
  category: fc.option(fc.constantFrom(...values(PolicyCategory)), { nil: null }),
  status: fc.option(fc.constantFrom(...values(PolicyStatus)), { nil: null }),
});
const list = <T>(items: T[]) => fc.option(fc.subarray(items), { nil: undefined });
const feedFilterArb = fc.option(
  fc.record({ kinds: list(values(FeedKind)), nationality: fc.option(fc.constantFrom(...NATIONALITIES), { nil: undefined }), countryCodes: list(CODES) }),
  { nil: null },
);
const policyChangedFilterArb = fc.option(
  fc.record({
    countryCodes: list(CODES),
    categories: list(values(PolicyCategory)),
    statuses: list(values(PolicyStatus)),
    nationality: fc.option(fc.constantFrom(...NATIONALITIES), { nil: undefined }),
  }),
  { nil: null },
);

describe('feed filters: SQL and the fan-out predicate agree', () => {
  let database: TestDatabase;
  let pool: Pool;
  let sql: Sql;
  let entries: FeedEntryRow[];

  beforeAll(async () => {
    database = await createTestDatabase('bare');
    pool = new Pool({ connectionString: database.url, max: 2 });
    sql = new Sql(pool, () => undefined, false);
    const generated = fc.sample(entryArb, { numRuns: 300, seed: 12 });
    await pool.query(
      `INSERT INTO feed_entry (seq, kind, nationality, country_codes, category, status)
       SELECT n, (e->>'kind')::"FeedKind", e->>'nationality', ARRAY(SELECT jsonb_array_elements_text(e->'countryCodes'))::varchar[],
              (e->>'category')::"PolicyCategory", (e->>'status')::"PolicyStatus"
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)`,
      [JSON.stringify(generated)],
    );
    // As the fan-out sees them: read back through the same parsers as every other read.
    entries = await sql.rows<FeedEntryRow>(`SELECT ${FEED_COLUMNS} FROM feed_entry f ORDER BY f.seq`);
    expect(entries).toHaveLength(300);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  async function agree(conditions: EntryCondition[]): Promise<void> {
    const where = toSql(conditions);
    const rows = await sql.rows<{ seq: bigint }>(`SELECT f.seq FROM feed_entry f ${where.where} ORDER BY f.seq`, where.values);
    const matches = toPredicate(conditions);
    expect(rows.map((row) => row.seq)).toEqual(entries.filter(matches).map((entry) => entry.seq));
  }

  it('for the feed filter (feed, feedItems)', async () => {
    await fc.assert(fc.asyncProperty(feedFilterArb, (filter) => agree(feedFilterConditions(filter))), { numRuns: 150, seed: 1 });
  });

  it('for the policyChanged filter', async () => {
    await fc.assert(fc.asyncProperty(policyChangedFilterArb, (filter) => agree(policyChangedConditions(filter))), { numRuns: 150, seed: 2 });
  });

  it('selects something and leaves something out, so that agreement means something', async () => {
    const some = toPredicate(feedFilterConditions({ kinds: [FeedKind.POLICY_CHANGE], nationality: 'RU' }));
    const count = entries.filter(some).length;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(entries.length);
  });
});
