import fc from 'fast-check';
import { Pool } from 'pg';
import { ChangeDirection, PolicyCategory, PolicyStatus, VisaRequirement } from '../../src/common/enums';
import { POLICY_LOCK_FORMAT, policyLock } from '../../src/db/locks';
import { changeDirection, type Strictness } from '../../src/policy/policy.direction';
import { appendable } from '../../src/policy/policy.versioning';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { openImportHarness, type ImportHarness } from '../helpers/importer';

/**
 * Policy versioning is decided in SQL for the API's one-round-trip writes (bw_appendable,
 * bw_change_direction, the lock format in bw_retract's statement) and in TypeScript for the importer's
 * in-memory planner (src/policy/policy.versioning.ts, policy.direction.ts, src/db/locks.ts). On
 * generated cases, both answer alike; and a history written through the API and the same history
 * imported end up the same versions and feed entries.
 */
const values = <T extends Record<string, string>>(e: T) => Object.values(e) as Array<T[keyof T]>;
const day = fc.integer({ min: 0, max: 3_000 }).map((n) => new Date(Date.UTC(2020, 0, 1 + n)));
const iso = (date: Date) => date.toISOString().slice(0, 10);
const strictness: fc.Arbitrary<Strictness> = fc.record({
  status: fc.constantFrom(...values(PolicyStatus)),
  visaRequirement: fc.option(fc.constantFrom(...values(VisaRequirement)), { nil: null }),
  maxStayDays: fc.option(fc.integer({ min: 1, max: 365 }), { nil: null }),
});

describe('versioning rules: the SQL write functions and the in-memory planner agree', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('bare');
    pool = new Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('appendable: a version may start on the current one’s first day or later, never before', async () => {
    const cases = fc.sample(fc.record({ current: fc.option(day, { nil: null }), next: day }), { numRuns: 400, seed: 12 });
    cases.push({ current: new Date(Date.UTC(2024, 0, 1)), next: new Date(Date.UTC(2024, 0, 1)) });
    const { rows } = await pool.query<{ ok: boolean }>(
      `SELECT bw_appendable((c->>'current')::date, (c->>'next')::date) AS ok FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(c, n) ORDER BY n`,
      [JSON.stringify(cases.map((c) => ({ current: c.current && iso(c.current), next: iso(c.next) })))],
    );
    expect(rows.map((row) => row.ok)).toEqual(cases.map((c) => appendable(c.current && { effectiveFrom: c.current }, c.next)));
  });

  it('the direction of a change: NEW, STRICTER, LOOSER or UNCHANGED alike', async () => {
    const cases = fc.sample(fc.record({ previous: fc.option(strictness, { nil: null }), next: strictness }), { numRuns: 600, seed: 12 });
    const { rows } = await pool.query<{ direction: ChangeDirection }>(
      `SELECT bw_change_direction((p->>'status')::"PolicyStatus", (p->>'visaRequirement')::"VisaRequirement", (p->>'maxStayDays')::int,
                                  (x->>'status')::"PolicyStatus", (x->>'visaRequirement')::"VisaRequirement", (x->>'maxStayDays')::int) AS direction
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(c, n), LATERAL (SELECT c->'previous' AS p, c->'next' AS x) AS parts
       ORDER BY n`,
      [JSON.stringify(cases)],
    );
    expect(rows.map((row) => row.direction)).toEqual(cases.map((c) => changeDirection(c.previous, c.next)));
    expect(new Set(rows.map((row) => row.direction))).toEqual(new Set(values(ChangeDirection)));
  });

  it('the lock a retraction names from the row is the lock policyLock names', async () => {
    const refs = fc.sample(
      fc.record({ countryCode: fc.constantFrom('FI', 'EE', 'NO'), nationality: fc.constantFrom('RU', 'BY'), category: fc.constantFrom(...values(PolicyCategory)) }),
      { numRuns: 50, seed: 12 },
    );
    const { rows } = await pool.query<{ name: string }>(
      `SELECT format($2::text, r->>'countryCode', r->>'nationality', r->>'category') AS name FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n`,
      [JSON.stringify(refs), POLICY_LOCK_FORMAT],
    );
    expect(rows.map((row) => row.name)).toEqual(refs.map(policyLock));
  });
});

describe('versioning: the API and the importer write the same history', () => {
  let api: ImportHarness;
  let importer: ImportHarness;

  beforeAll(async () => {
    [api, importer] = await Promise.all([openImportHarness('bare'), openImportHarness('bare')]);
  });
  afterAll(async () => {
    await Promise.all([api.close(), importer.close()]);
  });

  it('versions, their links and periods, and the feed entries of each policy', async () => {
    const change = fc.record({
      countryCode: fc.constantFrom('FI', 'EE'),
      category: fc.constantFrom('ENTRY', 'VISA'),
      status: fc.constantFrom(...values(PolicyStatus)),
      visaRequirement: fc.option(fc.constantFrom(...values(VisaRequirement)), { nil: null }),
      maxStayDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }),
      effectiveFrom: fc.integer({ min: 0, max: 400 }).map((n) => iso(new Date(Date.UTC(2023, 0, 1 + n)))),
    });
    // Distinct titles: no row repeats the version in force (which the importer would leave out as unchanged).
    const changes = fc
      .sample(change, { numRuns: 60, seed: 12 })
      .map((c, i) => ({ ...c, title: `Generated change ${i}`, sources: [{ url: `https://example.org/versioning/${i % 7}`, title: `Source ${i % 7}` }] }))
      .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (const input of changes) await api.services.policyChanges.record(input);
    const report = await importer.services.importer.run(changes.map((data, i) => ({ kind: 'policy' as const, file: 'generated.json', line: i + 1, data })));
    expect(report.rejected).toEqual([]);
    expect(report.created.policy).toBe(changes.length);

    const history = async (h: ImportHarness) => {
      const { rows } = await h.db.pool.query(
        `SELECT p.country_code, p.category, p.title, p.status, p.effective_from::text, p.effective_to::text, prev.title AS previous_title,
                f.direction, f.kind, f.country_codes, f.category AS entry_category, f.status AS entry_status, fp.title AS entry_previous_title,
                (SELECT array_agg(s.url ORDER BY ps.position) FROM policy_source ps JOIN source s ON s.id = ps.source_id WHERE ps.policy_id = p.id) AS sources
         FROM policy p
         LEFT JOIN policy prev ON prev.id = p.previous_id
         JOIN feed_entry f ON f.policy_id = p.id AND f.kind = 'POLICY_CHANGE'
         LEFT JOIN policy fp ON fp.id = f.previous_policy_id
         ORDER BY p.title`,
      );
      return rows;
    };
    const written = await history(api);
    expect(written).toHaveLength(changes.length);
    expect(await history(importer)).toEqual(written);
  });
});
