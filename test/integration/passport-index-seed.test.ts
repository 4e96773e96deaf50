import { readVersionsFile } from '../../src/passport-index/passport-index.versions-file';
import { gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

/** Every passport's data-set versions, as the seed loads them (issue 13 item 1). */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ template: 'seeded' });
});
afterAll(() => server.stop());

async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  return server.app.db.prisma.$queryRawUnsafe<T[]>(query);
}

const AT = `query ($code: ID!, $date: Date!, $nationality: String!) {
  country(code: $code) {
    policiesAt(date: $date, category: VISA, nationality: $nationality) {
      visaRequirement maxStayDays status title summary effectiveFrom changedAfter verification sources { url }
    }
  }
}`;

async function visaAt(nationality: string, code: string, date: string): Promise<any> {
  const data = await gqlData(server.url, AT, { code, date, nationality });
  return data.country.policiesAt[0] ?? null;
}

describe('the seed, every passport', () => {
  it('holds every version of the versions file, one per change in meaning, with the snapshot as source and changedAfter for changes', async () => {
    const versions = await readVersionsFile();
    const expected = versions
      .map((v) => [v.passport, v.destination, v.snapshot, v.reading.visaRequirement, v.reading.maxStayDays ?? '', v.kind === 'change' ? v.previousSnapshot : ''].join(' '))
      .sort();
    // The data set's versions are those whose first source is a snapshot of the data set; the others are the story's dated ones.
    const rows = await sql<{ line: string }>(`
      SELECT concat_ws(' ', p.nationality, p.country_code, p.effective_from::text, p.visa_requirement::text,
                       coalesce(p.max_stay_days::text, ''), coalesce(p.changed_after::text, '')) AS line
      FROM policy p JOIN policy_source ps ON ps.policy_id = p.id AND ps.position = 0 JOIN source s ON s.id = ps.source_id
      WHERE p.category = 'VISA' AND s.url LIKE 'https://github.com/ilyankou/passport-index-dataset/%'`);
    const stored = rows.map((row) => row.line).sort();
    expect(stored.length).toBe(98_148);
    const differs = stored.findIndex((line, index) => line !== expected[index]);
    expect(differs === -1 ? null : { stored: stored[differs], expected: expected[differs] }).toBeNull();
    const [{ n }] = await sql<{ n: bigint }>(`SELECT count(DISTINCT nationality) AS n FROM policy WHERE category = 'VISA'`);
    expect(Number(n)).toBe(199);
  });

  it('reads the three notations and the legacy values the same way for every passport (Belarusian passports here)', async () => {
    // 2019 numbers: 2 is visa on arrival.
    expect(await visaAt('BY', 'BD', '2019-12-01')).toMatchObject({ visaRequirement: 'VISA_ON_ARRIVAL', effectiveFrom: '2019-11-23', changedAfter: null });
    expect((await visaAt('BY', 'BD', '2019-12-01')).summary).toContain('code 2 of the 2019 notation');
    // Early-2020 letters: "ETA" was the visa-on-arrival list (labels swapped), then "VR".
    const eta = await visaAt('BY', 'GH', '2020-02-20');
    expect(eta).toMatchObject({ visaRequirement: 'VISA_ON_ARRIVAL', effectiveFrom: '2020-02-07', changedAfter: '2019-12-17' });
    expect(eta.summary).toContain('"ETA" of the early-2020 notation');
    expect(eta.sources[0].url).toContain('legacy/2020-02-07/');
    expect(await visaAt('BY', 'GH', '2020-04-01')).toMatchObject({ visaRequirement: 'VISA_REQUIRED', effectiveFrom: '2020-03-09', changedAfter: '2020-02-07' });
    // Words and day counts, and the Hayya card.
    expect(await visaAt('BY', 'VE', '2020-02-20')).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 90 });
    expect(await visaAt('BY', 'QA', '2022-11-20')).toMatchObject({ visaRequirement: 'ETA', status: 'CONDITIONAL', effectiveFrom: '2022-11-06' });
    expect(await visaAt('UA', 'DE', '2021-01-01')).toMatchObject({ visaRequirement: 'NO_ADMISSION', status: 'CLOSED', title: 'Entry banned for most travellers under Covid-19 rules' });
  });

  it('lets verified dated sources win where they disagree with the data set, for Russian and for Georgian passports', async () => {
    // Russia lifted visas for Georgians from 2023-05-15 (decree); the data set still read "visa required" on 2023-06-05.
    const georgians = await visaAt('GE', 'RU', '2023-06-05');
    expect(georgians).toMatchObject({ visaRequirement: 'VISA_FREE', effectiveFrom: '2023-05-15' });
    expect(georgians.sources[0].url).not.toContain('passport-index-dataset');
    expect(await visaAt('GE', 'RU', '2023-09-01')).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 90, effectiveFrom: '2023-08-15' });
    // Finland's visa cut of 2022-09-01 is not followed by the data set's repeated "visa required".
    expect(await visaAt('RU', 'FI', '2022-09-20')).toMatchObject({ effectiveFrom: '2022-09-01', status: 'RESTRICTED' });
    // Serbia's 90 days stay in, marked UNVERIFIED; other passports' Serbian rules are the data set's, verified as such.
    expect(await visaAt('RU', 'RS', '2022-09-21')).toMatchObject({ maxStayDays: 90, verification: 'UNVERIFIED' });
    expect((await visaAt('BY', 'RS', '2022-09-21')).verification).toBe('VERIFIED');
  });

  it('adds a feed item per seeded version, each with its nationality, oldest first', async () => {
    const [counts] = await sql<{ policies: bigint; entries: bigint; nationalities: bigint }>(`
      SELECT (SELECT count(*) FROM policy) AS policies,
             (SELECT count(*) FROM feed_entry WHERE kind = 'POLICY_CHANGE') AS entries,
             (SELECT count(DISTINCT nationality) FROM feed_entry WHERE kind = 'POLICY_CHANGE') AS nationalities`);
    expect(counts!.entries).toBe(counts!.policies);
    expect(Number(counts!.nationalities)).toBe(199);
    const backwards = await sql(`
      SELECT f.seq FROM feed_entry f JOIN policy p ON p.id = f.policy_id
      JOIN feed_entry g ON g.seq = f.seq + 1 JOIN policy q ON q.id = g.policy_id
      WHERE q.effective_from < p.effective_from LIMIT 1`);
    expect(backwards).toEqual([]);
  });
});
