import path from 'node:path';
import { seedDir } from '../../src/common/paths';
import type { ImportRow } from '../../src/importer/import.types';
import { readImportFiles } from '../../src/importer/read-file';
import { readPassportIndexRows } from '../../src/passport-index/passport-index.policies';
import { openImportHarness, type ImportHarness } from '../helpers/importer';

/**
 * Issue 13 item 5: the bulk path (src/importer/bulk-import.ts) writes the same
 * records, links and feed items as the batch importer for the same input, and
 * a second run of the same rows changes nothing and adds no feed item.
 */
let batch: ImportHarness;
let bulk: ImportHarness;
let rows: ImportRow[];

beforeAll(async () => {
  [batch, bulk] = await Promise.all([openImportHarness('bare'), openImportHarness('bare')]);
  const passports = new Set(['RU', 'GE', 'BY', 'NA']);
  const dataSet = (await readPassportIndexRows()).filter((row) => passports.has(row.data.nationality as string));
  // The story (policies, statements linked to them, events), three passports' data-set versions, and the sample file.
  rows = [...(await readImportFiles([path.join(seedDir, 'story.json'), path.join(seedDir, '..', 'samples', 'policies.csv')])), ...dataSet];
});
afterAll(async () => {
  await Promise.all([batch?.close(), bulk?.close()]);
});

/**
 * Every record table in a form that does not depend on generated ids or
 * recording times: records by natural key, links by the keys of both ends,
 * feed items by number with the keys of what they point at.
 */
async function dump(h: ImportHarness): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => h.db.prisma.$queryRawUnsafe<unknown[]>(sql);
  const policyKey = (alias: string) => `concat_ws('/', ${alias}.country_code, ${alias}.nationality, ${alias}.category::text, ${alias}.effective_from::text)`;
  return {
    policies: await q(`
      SELECT ${policyKey('p')} AS key, p.status::text, p.visa_requirement::text, p.max_stay_days, p.title, p.summary,
             p.effective_to::text, p.changed_after::text, p.announced_at::text, p.verification::text, p.retracted_at IS NOT NULL AS retracted,
             ${policyKey('prev')} AS previous,
             (SELECT string_agg(s.url || ' ' || ps.position, ' | ' ORDER BY ps.position) FROM policy_source ps JOIN source s ON s.id = ps.source_id WHERE ps.policy_id = p.id) AS sources
      FROM policy p LEFT JOIN policy prev ON prev.id = p.previous_id ORDER BY 1`),
    sources: await q(`SELECT url, title, publisher, published_at::text, retrieved_at::text FROM source ORDER BY url`),
    statements: await q(`
      SELECT s.speaker, s.said_at::text, s.text, s.speaker_role, s.country_code, s.medium::text, s.language, s.verification::text,
             (SELECT string_agg(src.url || ' ' || ss.position, ' | ' ORDER BY ss.position) FROM statement_source ss JOIN source src ON src.id = ss.source_id WHERE ss.statement_id = s.id) AS sources,
             (SELECT string_agg(${policyKey('p')}, ' | ' ORDER BY 1) FROM statement_policy sp JOIN policy p ON p.id = sp.policy_id WHERE sp.statement_id = s.id) AS policies
      FROM statement s ORDER BY 1, 2, 3`),
    events: await q(`
      SELECT e.title, e.occurred_on::text, e.kind::text, e.description, e.country_code, e.figure_value::text, e.figure_unit, e.verification::text,
             (SELECT string_agg(src.url || ' ' || es.position, ' | ' ORDER BY es.position) FROM event_source es JOIN source src ON src.id = es.source_id WHERE es.event_id = e.id) AS sources,
             (SELECT string_agg(ec.country_code, ' ' ORDER BY 1) FROM event_country ec WHERE ec.event_id = e.id) AS countries
      FROM event e ORDER BY 1, 2`),
    feed: await q(`
      SELECT f.seq::text, f.kind::text, f.nationality, f.country_codes, f.direction::text, f.category::text, f.status::text,
             ${policyKey('p')} AS policy, ${policyKey('prev')} AS previous, s.text AS statement, e.title AS event
      FROM feed_entry f LEFT JOIN policy p ON p.id = f.policy_id LEFT JOIN policy prev ON prev.id = f.previous_policy_id
      LEFT JOIN statement s ON s.id = f.statement_id LEFT JOIN event e ON e.id = f.event_id ORDER BY f.seq`),
  };
}

describe('the bulk path', () => {
  it('writes exactly what the batch importer writes for the same rows', async () => {
    const [byBatch, byBulk] = [await batch.services.importer.run(rows), await bulk.services.bulkImporter.run(rows)];
    expect(byBatch.rejected).toEqual([]);
    expect(byBulk).toEqual(byBatch);
    expect(byBulk.created.policy).toBeGreaterThan(1_500);
    expect(byBulk.created.statement).toBeGreaterThan(0);
    expect(byBulk.created.event).toBeGreaterThan(0);
    const [a, b] = [await dump(batch), await dump(bulk)];
    for (const table of Object.keys(a)) {
      expect({ table, rows: b[table] }).toEqual({ table, rows: a[table] });
    }
    // The publisher hears of the last item; the relay reads the others from the database.
    expect(bulk.published.map((entry) => entry.seq)).toEqual([BigInt(byBulk.feedEntries)]);
  });

  it('changes nothing and adds no feed item when the same rows come again, through either path', async () => {
    const before = await bulk.counts();
    const published = bulk.published.length;
    const again = await bulk.services.bulkImporter.run(rows);
    expect(again.created).toEqual({ policy: 0, statement: 0, event: 0 });
    expect(again.unchanged.policy).toBe(rows.filter((row) => row.kind === 'policy').length);
    expect(again.feedEntries).toBe(0);
    expect(await bulk.counts()).toEqual(before);
    expect(bulk.published.length).toBe(published);
    expect((await bulk.services.importer.run(rows)).created).toEqual({ policy: 0, statement: 0, event: 0 });
    expect(await bulk.counts()).toEqual(before);
  });

  it('reports bad rows with file, line and field, and still writes the good ones', async () => {
    const file = await bulk.file('mixed.csv', 'countryCode,nationality,category,status,title,effectiveFrom,sourceUrl,sourceTitle\nZZ,RU,VISA,OPEN,Bad,2024-01-01,https://example.org/x,X\nAM,UA,VISA,OPEN,Visa-free,2030-01-01,https://example.org/y,Y\n');
    const report = await bulk.services.bulkImporter.run(await readImportFiles([file]));
    expect(report.rejected).toEqual([expect.objectContaining({ file, line: 2, field: 'countryCode' })]);
    expect(report.created.policy).toBe(1);
  });
});
