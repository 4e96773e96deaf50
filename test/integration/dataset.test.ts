import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { seedDir } from '../../src/common/paths';
import { readChangeRows } from '../../scripts/passport-index/dataset';
import { ALL_PASSPORTS_FILE, passportIndexDir, RU_POLICIES_FILE } from '../../src/passport-index/passport-index.source';
import { seedRows } from '../../src/db/seed';
import { readImportFile, readImportFiles } from '../../src/importer/read-file';
import { todayUtc, formatIsoDate } from '../../src/common/dates';
import { gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ template: 'seeded' });
});
afterAll(() => server.stop());

const AT = `query ($code: ID!, $date: Date!, $category: PolicyCategory) {
  country(code: $code) {
    policiesAt(date: $date, category: $category) {
      category status visaRequirement maxStayDays title summary verification effectiveFrom changedAfter
      sources { url title publisher }
    }
  }
}`;

async function at(code: string, date: string, category?: string): Promise<any[]> {
  const data = await gqlData(server.url, AT, { code, date, category });
  return data.country.policiesAt;
}

async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  return server.app.db.prisma.$queryRawUnsafe<T[]>(query);
}

describe('the dataset, through GraphQL', () => {
  it('has no Latvian or Lithuanian entry restriction on 18 September 2022 and a sourced one from 19 September', async () => {
    for (const code of ['LV', 'LT']) {
      expect(await at(code, '2022-09-18', 'ENTRY')).toEqual([]);
      const [after] = await at(code, '2022-09-19', 'ENTRY');
      expect(after).toMatchObject({ status: 'RESTRICTED', effectiveFrom: '2022-09-19', verification: 'VERIFIED' });
      expect(after.sources.map((s: any) => s.url)).toContain('https://rferl.org/amp/poand-baltics-ban-russians/32024490.html');
    }
  });

  it("reads Finland's policies differently on 2022-09-01, 2022-10-15 and today", async () => {
    const before = await at('FI', '2022-09-01');
    const autumn = await at('FI', '2022-10-15');
    const today = await at('FI', formatIsoDate(todayUtc()));
    expect(before.map((p) => [p.category, p.status])).toEqual([['VISA', 'RESTRICTED']]);
    expect(before[0].title).toBe('Visas for Russians, tourist visas included, cut to a tenth of the usual number');
    expect(autumn.map((p) => [p.category, p.status])).toEqual([['ENTRY', 'RESTRICTED'], ['VISA', 'RESTRICTED']]);
    expect(autumn[0].title).toContain('Russian tourists refused entry');
    expect(today.map((p) => [p.category, p.status])).toEqual([['ENTRY', 'CLOSED'], ['VISA', 'RESTRICTED']]);
    expect(today[1].title).toBe(before[0].title);
  });

  it("does not follow Finland's visa cut with a version that merely repeats the data set's 'visa required'", async () => {
    const data = await gqlData(server.url, `{ country(code: "FI") { policyHistory(category: VISA, first: 10) { edges { node { title effectiveFrom } } } } }`);
    const history = data.country.policyHistory.edges.map((e: any) => [e.node.effectiveFrom, e.node.title]);
    expect(history[0]).toEqual(['2022-09-01', 'Visas for Russians, tourist visas included, cut to a tenth of the usual number']);
    expect(history.slice(1).map((h: string[]) => h[0])).toEqual(['2021-08-09', '2020-11-19', '2019-11-23']);
    const [entry] = await sql<{ direction: string }>(
      `SELECT f.direction::text FROM feed_entry f JOIN policy p ON p.id = f.policy_id WHERE p.country_code = 'FI' AND p.category = 'VISA' AND p.effective_from = '2022-09-01'`,
    );
    expect(entry!.direction).toBe('STRICTER');
  });

  it('answers passport-index facts: Georgia 360 days, the UAE 90 days, Turkey 60, Armenia 180, Namibia kept as NA', async () => {
    const [ge] = await at('GE', '2022-10-01', 'VISA');
    expect(ge).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 360, status: 'OPEN', verification: 'VERIFIED', effectiveFrom: '2021-05-13', changedAfter: '2021-02-24' });
    expect(ge.sources[0].publisher).toBe('Passport Index data set (ilyankou/passport-index-dataset)');
    expect(ge.sources[0].url).toContain('a46dbc872002e01f6465a69071a7ed5b6dc8fc7b/legacy/2021-05-13/passport-index-tidy-iso2.csv');
    expect(ge.summary).toContain('Abkhazia');
    const [ae] = await at('AE', '2022-10-01', 'VISA');
    expect(ae).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 90, effectiveFrom: '2019-02-17' });
    expect((await at('AE', '2018-06-01', 'VISA'))[0]).toMatchObject({ visaRequirement: 'VISA_ON_ARRIVAL', maxStayDays: 30 });
    expect((await at('TR', '2022-09-21', 'VISA'))[0]).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 60 });
    expect((await at('AM', '2022-09-21', 'VISA'))[0]).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 180 });
    expect((await at('NA', '2022-09-21', 'VISA'))[0]).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 90 });
    expect((await at('XK', '2022-09-21', 'VISA'))[0]).toMatchObject({ visaRequirement: 'VISA_REQUIRED', status: 'CONDITIONAL' });
  });

  it('marks where verified sources contradict the data set: Serbia, Kazakhstan, Mexico', async () => {
    expect((await at('RS', '2015-01-01', 'VISA'))[0]).toMatchObject({ maxStayDays: 30, verification: 'VERIFIED', effectiveFrom: '2009-06-10' });
    const [rs2022] = await at('RS', '2022-09-21', 'VISA');
    expect(rs2022).toMatchObject({ maxStayDays: 90, verification: 'UNVERIFIED' });
    expect(rs2022.summary).toContain('Contradicted by the Russia–Serbia agreement');
    expect((await at('RS', '2024-01-01', 'VISA'))[0]).toMatchObject({ maxStayDays: 30 });
    const [kz] = await at('KZ', '2022-09-21', 'VISA');
    expect(kz).toMatchObject({ maxStayDays: 90, verification: 'PARTLY_VERIFIED' });
    expect(kz.summary).toContain('for 30 days');
    const [mx] = await at('MX', '2022-09-21', 'VISA');
    expect(mx.visaRequirement).toBe('E_VISA');
    expect(mx.summary).toContain('Electronic Authorization System (SAE)');
    expect((await at('MX', '2025-02-01', 'VISA'))[0].visaRequirement).toBe('ETA');
  });

  it('maps legacy values rather than dropping them: the Covid-19 ban and the Hayya card', async () => {
    expect((await at('GE', '2021-01-01', 'VISA'))[0]).toMatchObject({ visaRequirement: 'NO_ADMISSION', status: 'CLOSED' });
    expect((await at('QA', '2022-12-01', 'VISA'))[0]).toMatchObject({ visaRequirement: 'ETA', status: 'CONDITIONAL', title: 'Entry only with a Hayya card, the FIFA World Cup 2022 fan ID' });
  });

  it('gives every passport-index destination a visa requirement today', async () => {
    const changes = readChangeRows(await readFile(path.join(passportIndexDir, ALL_PASSPORTS_FILE)));
    const destinations = new Set(changes.filter((r) => r.passport === 'RU').map((r) => r.destination).filter((c) => c !== 'RU'));
    const rows = await sql<{ code: string }>(`SELECT DISTINCT country_code AS code FROM policy WHERE category = 'VISA' AND effective_to IS NULL AND retracted_at IS NULL`);
    const withVisa = new Set(rows.map((r) => r.code));
    expect(destinations.size).toBe(198);
    expect([...destinations].filter((d) => !withVisa.has(d))).toEqual([]);
  });

  it('tells the dated story: the mobilisation decree, the bridge explosion, and the quotes with speakers and dates', async () => {
    const events = await gqlData(server.url, `{ country(code: "RU") { events(first: 100) { edges { node { title occurredOn figure { value qualifier } sources { url } } } } } }`);
    const byTitle = new Map(events.country.events.edges.map((e: any) => [e.node.title, e.node]));
    expect(byTitle.get('Russia declares "partial mobilization"')).toMatchObject({ occurredOn: '2022-09-21', figure: { value: 300000, qualifier: 'EXACTLY' } });
    expect(byTitle.get('Explosion on the Crimean (Kerch) Bridge')).toMatchObject({ occurredOn: '2022-10-08' });
    const lt = await gqlData(server.url, `{ country(code: "LT") { statements(first: 10) { edges { node { speaker saidAt text sources { url } } } } } }`);
    const tweet = lt.country.statements.edges.map((e: any) => e.node).find((s: any) => s.saidAt === '2022-09-23T19:12:00.000Z');
    expect(tweet).toMatchObject({ speaker: 'Gabrielius Landsbergis', text: expect.stringContaining('Russians should stay and fight. Against Putin.') });
    expect(tweet.sources.length).toBeGreaterThan(0);
  });
});

describe('the dataset, as stored', () => {
  it('cites at least one source for every policy, statement and event', async () => {
    const missing = await sql(`
      SELECT 'policy' AS kind, id::text FROM policy p WHERE NOT EXISTS (SELECT 1 FROM policy_source s WHERE s.policy_id = p.id)
      UNION ALL SELECT 'statement', id::text FROM statement t WHERE NOT EXISTS (SELECT 1 FROM statement_source s WHERE s.statement_id = t.id)
      UNION ALL SELECT 'event', id::text FROM event e WHERE NOT EXISTS (SELECT 1 FROM event_source s WHERE s.event_id = e.id)`);
    expect(missing).toEqual([]);
    const [counts] = await sql<{ policies: bigint; statements: bigint; events: bigint }>(
      'SELECT (SELECT count(*) FROM policy) AS policies, (SELECT count(*) FROM statement) AS statements, (SELECT count(*) FROM event) AS events',
    );
    expect(Number(counts!.policies)).toBeGreaterThan(500);
    expect(Number(counts!.statements)).toBeGreaterThanOrEqual(4);
    expect(Number(counts!.events)).toBeGreaterThanOrEqual(30);
  });

  it('has no policy that ends before it starts, and histories whose versions follow one another without gaps or overlaps', async () => {
    expect(await sql('SELECT id FROM policy WHERE effective_to < effective_from')).toEqual([]);
    const broken = await sql(`
      SELECT p.id::text FROM policy p JOIN policy prev ON prev.id = p.previous_id
      WHERE prev.effective_to IS DISTINCT FROM p.effective_from OR prev.country_code <> p.country_code
         OR prev.nationality <> p.nationality OR prev.category <> p.category`);
    expect(broken).toEqual([]);
    expect(await sql(`SELECT country_code, nationality, category FROM policy WHERE effective_to IS NULL GROUP BY 1, 2, 3 HAVING count(*) > 1`)).toEqual([]);
  });

  it('references only country codes that exist', async () => {
    const unknown = await sql(`
      SELECT code FROM (
        SELECT country_code AS code FROM policy UNION SELECT nationality FROM policy
        UNION SELECT country_code FROM statement WHERE country_code IS NOT NULL
        UNION SELECT country_code FROM event WHERE country_code IS NOT NULL
        UNION SELECT country_code FROM event_country
        UNION SELECT unnest(country_codes) FROM feed_entry
      ) used WHERE code NOT IN (SELECT code FROM country)`);
    expect(unknown).toEqual([]);
  });

  it('leaves out the unverified claims of the source article, or marks them', async () => {
    expect(await sql(`SELECT id FROM statement WHERE text ILIKE '%dodgers%' OR text ILIKE '%mutiny%' OR text ILIKE '%make Russians stay%'`)).toEqual([]);
    expect(await sql(`SELECT id FROM event WHERE description ILIKE '%132,000%' OR description ILIKE '%June 30, 2023%' OR title ILIKE '%50,000%'`)).toEqual([]);
    expect(await sql(`SELECT id FROM policy WHERE country_code = 'MX' AND nationality = 'RU' AND visa_requirement = 'VISA_FREE'`)).toEqual([]);
    // Every passport's versions are loaded; the notes that lower a verification are all about Russian passports.
    const flagged = await sql<{ code: string; verification: string }>(
      `SELECT DISTINCT country_code AS code, verification::text FROM policy WHERE verification <> 'VERIFIED' ORDER BY 1, 2`,
    );
    expect(await sql(`SELECT DISTINCT nationality FROM policy WHERE verification <> 'VERIFIED'`)).toEqual([{ nationality: 'RU' }]);
    expect(flagged).toEqual([
      { code: 'KZ', verification: 'PARTLY_VERIFIED' },
      { code: 'MN', verification: 'PARTLY_VERIFIED' },
      { code: 'RS', verification: 'UNVERIFIED' },
    ]);
  });
});

describe('the dataset, imported again', () => {
  const sample = () => readImportFile(path.join(seedDir, '..', 'samples', 'policies.csv'));

  it('finds the seed (every passport) and the sample already there through the bulk path: nothing created, no feed item', async () => {
    const rows = [...(await seedRows()), ...(await sample())];
    const before = await sql<{ n: bigint }>('SELECT count(*) AS n FROM feed_entry');
    const report = await server.app.services.bulkImporter.run(rows);
    expect(report.rejected).toEqual([]);
    expect(report.created).toEqual({ policy: 0, statement: 0, event: 0 });
    expect(report.unchanged.policy).toBeGreaterThan(98_000);
    expect(report.feedEntries).toBe(0);
    expect(await sql<{ n: bigint }>('SELECT count(*) AS n FROM feed_entry')).toEqual(before);
  });

  it('finds the story, the Russian passport file and the sample already there through the batch importer too', async () => {
    const rows = [...(await readImportFiles(['story.json', RU_POLICIES_FILE].map((file) => path.join(seedDir, file)))), ...(await sample())];
    const before = await sql<{ n: bigint }>('SELECT count(*) AS n FROM feed_entry');
    const report = await server.app.services.importer.run(rows);
    expect(report.rejected).toEqual([]);
    expect(report.created).toEqual({ policy: 0, statement: 0, event: 0 });
    expect(report.feedEntries).toBe(0);
    expect(await sql<{ n: bigint }>('SELECT count(*) AS n FROM feed_entry')).toEqual(before);
  });
});
