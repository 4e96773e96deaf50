import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { groupBy } from '../../src/common/collections';
import { DEFAULT_NATIONALITY } from '../../src/common/nationality';
import { seedDir } from '../../src/common/paths';
import { readPassportIndexPolicies } from '../../src/passport-index/passport-index.policies';
import { readVersionsFile } from '../../src/passport-index/passport-index.versions-file';
import type { DatasetVersion } from '../../src/passport-index/passport-index.version';
import { HISTORY_POINTS_MAX } from '../../src/nationality/nationality.args';
import { errorCode, gql, gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Nationalities as first-class (issue 13): the list, the counts per visa requirement and their
 * history, and who may enter a country, checked against the data set's versions file. The seed
 * holds Russian passports; this file imports three more passports from the same file (through
 * the reader a bulk loader uses), so it does not depend on what else the seed loads.
 */
const IMPORTED = ['BY', 'UA', 'GE'];
const PASSPORTS = [DEFAULT_NATIONALITY, ...IMPORTED];
const REQUIREMENTS = ['VISA_FREE', 'VISA_ON_ARRIVAL', 'ETA', 'E_VISA', 'VISA_REQUIRED', 'NO_ADMISSION'];
/** Before the first snapshot, on snapshots, between them, and after the last (2025-01-12), whose values stay in force. */
const DATES = ['2019-11-22', '2019-11-23', '2020-04-01', '2021-03-15', '2022-03-01', '2022-10-01', '2023-06-01', '2024-12-31', '2025-01-12', '2026-03-01'];

let server: TestServer;
let versions: DatasetVersion[];
/** Every passport's versions, by passport: the seed loads them all (issue 13 item 1). */
let byPassport: Map<string, DatasetVersion[]>;
/** `passport/destination` pairs whose visa rule comes from a dated, verified source (prisma/seed/story.json), not the data set. */
let overrides: Set<string>;

beforeAll(async () => {
  // Without the response cache and the relay's polling, so that every request reaches the database (statement counts).
  server = await startTestServer({ env: { FEED_POLL_MS: '3600000', RESPONSE_CACHE_MB: '0' } });
  const story = JSON.parse(await readFile(path.join(seedDir, 'story.json'), 'utf8')) as { policies: Array<{ countryCode: string; nationality?: string; category: string }> };
  overrides = new Set(story.policies.filter((p) => p.category === 'VISA').map((p) => `${p.nationality ?? DEFAULT_NATIONALITY}/${p.countryCode}`));
  const all = await readVersionsFile();
  byPassport = groupBy(all, (v) => v.passport);
  versions = all.filter((v) => PASSPORTS.includes(v.passport));
  const rows = (await readPassportIndexPolicies())
    .filter((p) => IMPORTED.includes(p.nationality) && !overrides.has(`${p.nationality}/${p.countryCode}`))
    .map((data, index) => ({ kind: 'policy' as const, file: 'passport-index-versions.csv', line: index + 2, data: { ...data } }));
  const report = await server.app.services.importer.run(rows);
  expect(report.rejected).toEqual([]);
  // The seed loads every passport's versions: they are there already (unchanged), or created here on a seed without them.
  expect(report.created.policy + report.unchanged.policy).toBe(rows.length);
}, 180_000);
afterAll(() => server?.stop());

interface Rule {
  visaRequirement: string;
  maxStayDays: number | null;
}

/** What the versions file says each destination required of `passport` on `date`: its latest version on or before it. */
function fromFile(passport: string, date: string): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  for (const v of byPassport.get(passport) ?? []) {
    // The file is ordered by passport, destination and date: a later line of a pair replaces an earlier one.
    if (v.passport === passport && v.snapshot <= date && !overrides.has(`${passport}/${v.destination}`)) {
      rules.set(v.destination, { visaRequirement: v.reading.visaRequirement, maxStayDays: v.reading.maxStayDays });
    }
  }
  return rules;
}

function tally(requirements: readonly string[]): Array<{ visaRequirement: string; count: number }> {
  return REQUIREMENTS.map((visaRequirement) => ({ visaRequirement, count: requirements.filter((r) => r === visaRequirement).length }));
}

const PASSPORT = `query ($code: ID!, $date: Date) {
  nationality(code: $code) {
    destinations(date: $date) { country { code } visa { visaRequirement maxStayDays } }
    visaCounts(date: $date) { date total counts { visaRequirement count } }
  }
}`;

describe('Query.nationalities', () => {
  it('lists every nationality with a rule, by country name, each with its country', async () => {
    const { nationalities } = await gqlData(server.url, '{ nationalities { code country { code name } } }');
    const codes = nationalities.map((n: any) => n.code);
    expect([...codes].sort()).toEqual([...byPassport.keys()].sort());
    expect(nationalities.filter((n: any) => PASSPORTS.includes(n.code)).map((n: any) => n.country.name)).toEqual(['Belarus', 'Georgia', 'Russian Federation', 'Ukraine']);
    for (const n of nationalities) expect(n.country.code).toBe(n.code);
  });

  it('costs one SQL statement', async () => {
    const before = server.app.db.queryCount;
    await gqlData(server.url, '{ nationalities { code country { name } } }');
    expect(server.app.db.queryCount - before).toBe(1);
  });
});

describe("A passport's visa requirement for a destination on a date", () => {
  it.each(PASSPORTS)('matches the data set for %s passports on every date sampled, the documented overrides excepted', async (passport) => {
    for (const date of DATES) {
      const { nationality } = await gqlData(server.url, PASSPORT, { code: passport, date });
      const expected = fromFile(passport, date);
      const answered = new Map<string, Rule>(
        nationality.destinations.filter((d: any) => d.visa && !overrides.has(`${passport}/${d.country.code}`)).map((d: any) => [d.country.code, d.visa]),
      );
      expect({ date, rules: Object.fromEntries(answered) }).toEqual({ date, rules: Object.fromEntries(expected) });
      if (date >= '2019-11-23') expect(answered.size).toBeGreaterThan(190);
      else expect(answered.size).toBe(0);
    }
  });

  it('keeps the verified source where it disagrees with the data set: Georgians need no visa for Russia from 15 May 2023', async () => {
    const admits = async (date: string) =>
      (await gqlData(server.url, 'query ($date: Date) { country(code: "RU") { admits(date: $date) { code } } }', { date })).country.admits.map((n: any) => n.code);
    expect(await admits('2023-05-14')).not.toContain('GE');
    expect(await admits('2023-05-15')).toContain('GE');
    const dataSet = versions.filter((v) => v.passport === 'GE' && v.destination === 'RU');
    expect(dataSet.length).toBeGreaterThan(0);
  });
});

describe('Nationality.visaCounts', () => {
  it.each(PASSPORTS)('gives, for %s passports, the number of destinations under each requirement that the versions file gives', async (passport) => {
    for (const date of DATES) {
      const { nationality } = await gqlData(server.url, PASSPORT, { code: passport, date });
      const { visaCounts } = nationality;
      const overridden = nationality.destinations.filter((d: any) => overrides.has(`${passport}/${d.country.code}`)).map((d: any) => d.visa.visaRequirement);
      const expected = tally([...[...fromFile(passport, date).values()].map((rule) => rule.visaRequirement), ...overridden]);
      expect({ date, counts: visaCounts.counts }).toEqual({ date, counts: expected });
      expect(visaCounts.total).toBe(nationality.destinations.filter((d: any) => d.visa).length);
      expect(visaCounts.date).toBe(date);
    }
  });

  it('costs one SQL statement', async () => {
    const before = server.app.db.queryCount;
    await gqlData(server.url, '{ nationality(code: "BY") { visaCounts(date: "2022-10-01") { total counts { visaRequirement count } } } }');
    expect(server.app.db.queryCount - before).toBe(1);
  });

  it('ranks every passport in one request: the list and every count, two SQL statements', async () => {
    const before = server.app.db.queryCount;
    const { nationalities } = await gqlData(server.url, '{ nationalities { code visaCounts(date: "2022-10-01") { date total counts { visaRequirement count } } } }');
    expect(server.app.db.queryCount - before).toBe(2);
    for (const { code, visaCounts } of nationalities) {
      const { nationality } = await gqlData(server.url, PASSPORT, { code, date: '2022-10-01' });
      expect(visaCounts).toEqual(nationality.visaCounts);
    }
  });
});

describe('Nationality.visaCountsHistory', () => {
  const HISTORY = `query ($code: ID!, $from: Date, $to: Date, $first: Int) {
    nationality(code: $code) { visaCountsHistory(from: $from, to: $to, first: $first) { date total counts { visaRequirement count } } }
  }`;
  const history = async (variables: Record<string, unknown>) => (await gqlData(server.url, HISTORY, variables)).nationality.visaCountsHistory as any[];

  it.each([
    ['BY', '2019-11-23'],
    // Serbia's visa-free regime for Russians, from the story's verified source, is older than the data set.
    [DEFAULT_NATIONALITY, '2009-06-10'],
  ])('gives the %s counts at each day they change from the first rule (%s), each point holding until the next', async (code, firstDay) => {
    const points = await history({ code, first: HISTORY_POINTS_MAX });
    expect(points.length).toBeGreaterThan(3);
    expect(points[0].date).toBe(firstDay);
    const dates = points.map((p) => p.date);
    expect(dates).toEqual([...new Set(dates)].sort());
    // Each point against visaCounts on its day and on the day before the next, by aliases (at most 15 an operation).
    const dayBefore = (date: string) => new Date(Date.parse(date) - 86_400_000).toISOString().slice(0, 10);
    const asked = points.flatMap((p, i) => [[`a${i}`, p.date], ...(i + 1 < points.length ? [[`b${i}`, dayBefore(points[i + 1].date)]] : [])]);
    const answers: Record<string, unknown> = {};
    for (let i = 0; i < asked.length; i += 15) {
      const aliases = asked.slice(i, i + 15).map(([alias, date]) => `${alias}: visaCounts(date: "${date}") { total counts { visaRequirement count } }`);
      Object.assign(answers, (await gqlData(server.url, `{ nationality(code: "${code}") { ${aliases.join(' ')} } }`)).nationality);
    }
    points.forEach((point, i) => {
      const { date: _date, ...counts } = point;
      expect(answers[`a${i}`]).toEqual(counts);
      if (i + 1 < points.length) expect(answers[`b${i}`]).toEqual(counts);
      if (i > 0) expect(point.counts).not.toEqual(points[i - 1].counts);
    });
  });

  it('starts `from` a day with the counts in force on it, ends on `to`, and stops after `first` points', async () => {
    const all = await history({ code: 'BY' });
    const inside = all.filter((p) => p.date > '2021-01-01' && p.date <= '2023-01-01');
    const ranged = await history({ code: 'BY', from: '2021-01-01', to: '2023-01-01' });
    const before = all.filter((p) => p.date <= '2021-01-01').at(-1);
    expect(ranged).toEqual([{ ...before, date: '2021-01-01' }, ...inside]);
    expect(await history({ code: 'BY', from: '2021-01-01', to: '2023-01-01', first: 2 })).toEqual(ranged.slice(0, 2));
    expect(await history({ code: 'BY', to: '2019-11-22' })).toEqual([]);
    const empty = await history({ code: 'BY', from: '2019-01-01', to: '2019-06-01' });
    expect(empty).toEqual([{ date: '2019-01-01', total: 0, counts: tally([]) }]);
  });

  it.each([
    [{ first: HISTORY_POINTS_MAX + 1 }, 'first', `between 0 and ${HISTORY_POINTS_MAX}`],
    [{ first: -1 }, 'first', 'between'],
    [{ from: '2023-01-02', to: '2023-01-01' }, 'from', 'must not be after `to`'],
  ])('refuses %j with BAD_USER_INPUT naming %s', async (args, field, reason) => {
    const refused = await gql(server.url, HISTORY, { code: 'BY', ...args });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field });
    expect(refused.errors?.[0]?.message).toContain(reason);
  });
});

describe('Country.entry, admits and entryCounts: who may enter a country', () => {
  const ENTRY = `query ($code: ID!, $date: Date) {
    country(code: $code) {
      entry(date: $date) { nationality { code country { name } } visa { visaRequirement maxStayDays countryCode nationality } policies { category } }
      admits(date: $date) { code }
      required: admits(date: $date, visa: [VISA_REQUIRED, E_VISA]) { code }
      entryCounts(date: $date) { date total counts { visaRequirement count } }
    }
  }`;

  it.each([
    ['DE', '2022-10-01'],
    ['TR', '2020-04-01'],
    ['US', '2025-01-12'],
  ])('gives for %s on %s every nationality the versions file gives, grouped by requirement, in one SQL statement', async (code, date) => {
    const before = server.app.db.queryCount;
    const { country } = await gqlData(server.url, ENTRY, { code, date });
    expect(server.app.db.queryCount - before).toBe(1);
    const expected = new Map([...byPassport.keys()].flatMap((passport) => {
      const rule = fromFile(passport, date).get(code);
      return rule ? [[passport, rule] as const] : [];
    }));
    expect(country.entry.map((e: any) => e.nationality.code)).toEqual([...expected.keys()].sort());
    for (const entry of country.entry) {
      expect(entry.visa).toEqual({ ...expected.get(entry.nationality.code), countryCode: code, nationality: entry.nationality.code });
      expect(entry.policies.map((p: any) => p.category)).toContain('VISA');
    }
    const having = (...requirements: string[]) => [...expected].filter(([, rule]) => requirements.includes(rule.visaRequirement)).map(([passport]) => ({ code: passport })).sort((a, b) => a.code.localeCompare(b.code));
    expect(country.admits).toEqual(having('VISA_FREE'));
    expect(country.required).toEqual(having('VISA_REQUIRED', 'E_VISA'));
    expect(country.entryCounts).toEqual({ date, total: expected.size, counts: tally([...expected.values()].map((rule) => rule.visaRequirement)) });
  });

  it('agrees with each nationality\'s own view of the destination', async () => {
    const date = '2023-06-01';
    const { country } = await gqlData(server.url, ENTRY, { code: 'FI', date });
    for (const entry of country.entry) {
      const { nationality } = await gqlData(server.url, PASSPORT, { code: entry.nationality.code, date });
      expect(nationality.destinations.find((d: any) => d.country.code === 'FI').visa).toEqual({ visaRequirement: entry.visa.visaRequirement, maxStayDays: entry.visa.maxStayDays });
    }
    // Russians: Finland's ENTRY restriction of 30 September 2022 is among the versions in force.
    expect(country.entry.find((e: any) => e.nationality.code === 'RU').policies.map((p: any) => p.category)).toEqual(['ENTRY', 'VISA']);
  });

  it('costs one SQL statement for many countries at once', async () => {
    const before = server.app.db.queryCount;
    const { a, b } = await gqlData(server.url, '{ a: country(code: "DE") { admits(date: "2022-01-01") { code } } b: country(code: "FR") { entryCounts(date: "2022-01-01") { total } } }');
    expect(server.app.db.queryCount - before).toBe(1);
    expect(a.admits.length + b.entryCounts.total).toBeGreaterThan(0);
  });
});

describe('Both maps, one request each', () => {
  it('draws a passport\'s world and a country\'s visitors within the query cost limit', async () => {
    const world = await gql(server.url, `{ nationality(code: "UA") {
      visaCounts(date: "2022-10-01") { total counts { visaRequirement count } }
      destinations(date: "2022-10-01") { country { code } visa { visaRequirement maxStayDays } }
    } }`);
    expect(world.errors).toBeUndefined();
    const visitors = await gql(server.url, `{ country(code: "PL") {
      entryCounts(date: "2022-10-01") { total counts { visaRequirement count } }
      entry(date: "2022-10-01") { nationality { code country { name } } visa { visaRequirement maxStayDays } }
    } }`);
    expect(visitors.errors).toBeUndefined();
    expect(groupBy(visitors.data!.country.entry, (e: any) => e.visa.visaRequirement).size).toBeGreaterThan(0);
  });
});
