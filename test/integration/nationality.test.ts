import { operationCost } from '../../src/server/limits/cost';
import { parse } from 'graphql';
import { MAP_DESTINATIONS } from '../../src/map/map.queries';
import { DESTINATIONS_PER_NATIONALITY } from '../../src/nationality/nationality.type';
import { errorCode, gql, gqlData } from '../helpers/graphql';
import { recordPolicy, todayIso } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Query.nationality and Nationality.destinations: a passport's whole world on one day, the
 * request the map sends per date. The seeded story and visa data for Russian passports.
 */
let seeded: TestServer;
/** Exact rules for a passport with no seeded data, and a relay that does not poll (statement counts). */
let bare: TestServer;

beforeAll(async () => {
  [seeded, bare] = await Promise.all([
    startTestServer(),
    // Without the response cache, so that every request reaches the database (statement counts).
    startTestServer({ template: 'bare', env: { FEED_POLL_MS: '3600000', RESPONSE_CACHE_MB: '0' } }),
  ]);
  await recordPolicy(bare, { countryCode: 'AD', nationality: 'BY', category: 'VISA', status: 'OPEN', visaRequirement: 'VISA_FREE', effectiveFrom: '2022-01-01' });
  await recordPolicy(bare, { countryCode: 'AD', nationality: 'BY', category: 'ENTRY', status: 'CLOSED', effectiveFrom: '2022-03-01' });
  await recordPolicy(bare, { countryCode: 'AD', nationality: 'BY', category: 'ENTRY', status: 'OPEN', effectiveFrom: '2022-06-01' });
  await recordPolicy(bare, { countryCode: 'ZW', nationality: 'BY', category: 'VISA', status: 'CONDITIONAL', visaRequirement: 'E_VISA', effectiveFrom: '2022-02-01' });
  await recordPolicy(bare, { countryCode: 'ZW', nationality: 'RU', category: 'VISA', status: 'OPEN', effectiveFrom: '2022-02-01' });
}, 120_000);
afterAll(() => Promise.all([seeded?.stop(), bare?.stop()]));

const DESTINATIONS = `query ($code: ID!, $date: Date) {
  nationality(code: $code) {
    code
    country { code name }
    destinations(date: $date) {
      country { code numeric }
      visa { category visaRequirement maxStayDays title }
      policies { category status visaRequirement title effectiveFrom effectiveTo }
    }
  }
}`;

async function destinations(server: TestServer, code: string, date?: string): Promise<any[]> {
  return (await gqlData(server.url, DESTINATIONS, { code, date })).nationality.destinations;
}

describe('Query.nationality', () => {
  it('gives the passport and its country', async () => {
    const { nationality } = await gqlData(seeded.url, '{ nationality(code: "RU") { code country { code name } } }');
    expect(nationality).toEqual({ code: 'RU', country: { code: 'RU', name: 'Russian Federation' } });
  });

  it.each(['QQ', 'ru', 'RUS', ''])('refuses the code %j with BAD_USER_INPUT naming `code`', async (code) => {
    const refused = await gql(seeded.url, 'query ($code: ID!) { nationality(code: $code) { code } }', { code });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field: 'code' });
    expect(refused.data).toEqual({ nationality: null });
  });
});

describe('Nationality.destinations', () => {
  it("turns Finland on 30 September 2022: its ENTRY restriction beyond the visa rule appears", async () => {
    const before = (await destinations(seeded, 'RU', '2022-09-29')).find((d) => d.country.code === 'FI');
    const after = (await destinations(seeded, 'RU', '2022-10-01')).find((d) => d.country.code === 'FI');
    expect(before.policies.map((p: any) => p.category)).toEqual(['VISA']);
    expect(before.visa).toMatchObject({ category: 'VISA', visaRequirement: 'VISA_REQUIRED' });
    expect(after.policies.map((p: any) => p.category)).toEqual(['ENTRY', 'VISA']);
    expect(after.policies[0]).toMatchObject({ status: 'RESTRICTED', effectiveFrom: '2022-09-30' });
    expect(after.policies[0].title).toMatch(/Russian tourists refused entry/);
    expect(after.visa).toEqual(before.visa);
    expect(after.country.numeric).toBe('246');
  });

  it('gives the Russian visa rules of every destination, by country code, each in force on the day', async () => {
    const date = '2022-10-01';
    const found = await destinations(seeded, 'RU', date);
    expect(found.length).toBeGreaterThan(190);
    const codes = found.map((d) => d.country.code);
    expect(codes).toEqual([...codes].sort());
    for (const destination of found) {
      const categories = destination.policies.map((p: any) => p.category);
      expect(new Set(categories).size).toBe(categories.length);
      for (const policy of destination.policies) {
        expect(policy.effectiveFrom <= date && (policy.effectiveTo === null || policy.effectiveTo > date)).toBe(true);
      }
      const visa = destination.policies.find((p: any) => p.category === 'VISA') ?? null;
      expect(destination.visa).toEqual(visa && { category: 'VISA', visaRequirement: visa.visaRequirement, maxStayDays: destination.visa.maxStayDays, title: visa.title });
    }
    const byCode = new Map(found.map((d) => [d.country.code, d]));
    // The Baltic and Polish bans of September 2022 (Poland's widened on the 26th), and the visa-free neighbours.
    for (const [code, from] of [['EE', '2022-09-19'], ['LV', '2022-09-19'], ['LT', '2022-09-19'], ['PL', '2022-09-26']]) {
      expect(byCode.get(code).policies.find((p: any) => p.category === 'ENTRY')).toMatchObject({ status: 'RESTRICTED', effectiveFrom: from });
    }
    expect(byCode.get('KZ').visa.visaRequirement).toBe('VISA_FREE');
    expect(byCode.get('GE').visa.visaRequirement).toBe('VISA_FREE');
  });

  it('agrees with country.policiesAt for each destination', async () => {
    const date = '2023-12-14';
    const found = await destinations(seeded, 'RU', date);
    for (const code of ['FI', 'EE', 'KZ', 'TR']) {
      const { country } = await gqlData(seeded.url, `{ country(code: "${code}") { policiesAt(date: "${date}") { category status visaRequirement title effectiveFrom effectiveTo } } }`);
      expect(found.find((d) => d.country.code === code).policies).toEqual(country.policiesAt);
    }
  });

  it('answers for today when no date is given', async () => {
    expect(await destinations(seeded, 'RU')).toEqual(await destinations(seeded, 'RU', todayIso()));
  });

  it('answers for the nationality asked, and is empty for a passport without rules on that day', async () => {
    expect(await destinations(bare, 'BY', '2021-12-31')).toEqual([]);
    expect(await destinations(bare, 'FR', '2022-07-01')).toEqual([]);
    const march = await destinations(bare, 'BY', '2022-03-15');
    expect(march.map((d) => [d.country.code, d.policies.map((p: any) => `${p.category}:${p.status}`)])).toEqual([
      ['AD', ['ENTRY:CLOSED', 'VISA:OPEN']],
      ['ZW', ['VISA:CONDITIONAL']],
    ]);
    const june = await destinations(bare, 'BY', '2022-06-01');
    expect(june[0].policies.map((p: any) => p.status)).toEqual(['OPEN', 'OPEN']);
    expect(june[1].visa.visaRequirement).toBe('E_VISA');
  });

  it('costs one SQL statement for every destination', async () => {
    const before = bare.app.db.queryCount;
    const data = await gqlData(bare.url, DESTINATIONS, { code: 'BY', date: '2022-03-15' });
    expect(bare.app.db.queryCount - before).toBe(1);
    expect(data.nationality.destinations).toHaveLength(2);
  });

  it("counts as a list of every country in the cost estimate, and the map's query fits under MAX_QUERY_COST", async () => {
    expect(seeded.app.services.catalog.size).toBeLessThanOrEqual(DESTINATIONS_PER_NATIONALITY);
    const cost = (query: string) =>
      operationCost(seeded.app.schema, seeded.config.pageSize, { document: parse(query), variables: { nationality: 'RU', date: '2022-10-01' } }, 10_000)!;
    const one = cost('query ($nationality: ID!) { nationality(code: $nationality) { destinations { country { code } } } }');
    // nationality 1 + destinations 1 + 250 × (country 1 + code 1)
    expect(one).toBe(2 + DESTINATIONS_PER_NATIONALITY * 2);
    // The figure the README gives: 250 × (country 2 + visa 3 + policies 1 + 5 × 8).
    expect(cost(MAP_DESTINATIONS)).toBe(11_503);
    expect(cost(MAP_DESTINATIONS)).toBeLessThanOrEqual(seeded.config.limits.maxCost);
    // Two passports' maps in one operation are over the limit.
    const two = `{ ru: nationality(code: "RU") { ...Map } by: nationality(code: "BY") { ...Map } }
      fragment Map on Nationality {
        destinations(date: "2022-10-01") {
          country { code }
          visa { visaRequirement maxStayDays }
          policies { id category status visaRequirement maxStayDays title effectiveFrom effectiveTo }
        }
      }`;
    const refused = await gql(seeded.url, two);
    expect(errorCode(refused)).toBe('QUERY_TOO_COMPLEX');
  });
});
