import { errorCode, gql, gqlData } from '../helpers/graphql';
import { nodes, recordPolicy, todayIso } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

/** The seeded story: Estonia, Finland and their neighbours. */
let seeded: TestServer;
/** Exact histories written for these tests. */
let bare: TestServer;
const adEntry: string[] = [];
let adVisa: string;
let adEntryBy: string;

beforeAll(async () => {
  [seeded, bare] = await Promise.all([startTestServer(), startTestServer({ template: 'bare' })]);
  for (const [index, day] of ['2022-01-01', '2022-02-01', '2022-03-01', '2022-04-01', '2022-05-01'].entries()) {
    const status = ['OPEN', 'FACILITATED', 'CONDITIONAL', 'RESTRICTED', 'CLOSED'][index];
    adEntry.push((await recordPolicy(bare, { countryCode: 'AD', status, effectiveFrom: day })).policy.id);
  }
  adVisa = (await recordPolicy(bare, { countryCode: 'AD', category: 'VISA', effectiveFrom: '2022-02-15' })).policy.id;
  adEntryBy = (await recordPolicy(bare, { countryCode: 'AD', nationality: 'BY', effectiveFrom: '2022-01-15' })).policy.id;
});
afterAll(() => Promise.all([seeded?.stop(), bare?.stop()]));

const AT = `query ($code: ID!, $date: Date!, $category: PolicyCategory) {
  country(code: $code) { policiesAt(date: $date, category: $category) { id category status title effectiveFrom effectiveTo } }
}`;

async function policiesAt(code: string, date: string, category?: string) {
  return (await gqlData(seeded.url, AT, { code, date, category })).country.policiesAt as any[];
}

describe('country.currentPolicies', () => {
  it('gives the version in force today for every category, ordered by category', async () => {
    const { country } = await gqlData(seeded.url, '{ country(code: "FI") { currentPolicies { category status title effectiveTo } } }');
    expect(country.currentPolicies.map((p: any) => p.category)).toEqual(['ENTRY', 'VISA']);
    expect(country.currentPolicies[0]).toMatchObject({ status: 'CLOSED', effectiveTo: null });
    expect(country.currentPolicies.every((p: any) => p.effectiveTo === null)).toBe(true);
  });

  it('gives only the asked category', async () => {
    const { country } = await gqlData(seeded.url, '{ country(code: "FI") { currentPolicies(category: VISA) { category status } } }');
    expect(country.currentPolicies).toEqual([{ category: 'VISA', status: 'RESTRICTED' }]);
  });

  it('is what policiesAt gives for today', async () => {
    const today = await gqlData(seeded.url, `{ country(code: "FI") { currentPolicies { id } policiesAt(date: "${todayIso()}") { id } } }`);
    expect(today.country.currentPolicies).toEqual(today.country.policiesAt);
  });

  it('answers for the nationality asked, RU by default, and refuses an unknown one', async () => {
    const query = '{ country(code: "AD") { ru: currentPolicies(category: ENTRY) { id } by: currentPolicies(nationality: "BY") { id } } }';
    const { country } = await gqlData(bare.url, query);
    expect(country).toEqual({ ru: [{ id: adEntry[4] }], by: [{ id: adEntryBy }] });

    const refused = await gql(bare.url, '{ country(code: "AD") { currentPolicies(nationality: "QQ") { id } } }');
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field: 'nationality' });
  });

  it('is empty for a country without policies', async () => {
    expect(await gqlData(bare.url, '{ country(code: "SM") { currentPolicies { id } } }')).toEqual({ country: { currentPolicies: [] } });
  });
});

describe('country.policiesAt', () => {
  it('gives Estonia\'s own-visa restriction the day before 19 September 2022, and the wider one on and after it', async () => {
    const [before, on, after] = await Promise.all(['2022-09-18', '2022-09-19', '2022-09-20'].map((day) => policiesAt('EE', day, 'ENTRY')));
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ effectiveFrom: '2022-08-18', effectiveTo: '2022-09-19', status: 'RESTRICTED' });
    expect(before[0].title).toContain('Estonian-issued');
    // effectiveTo is exclusive: the version ending on the 19th is not in force on the 19th.
    expect(on).toHaveLength(1);
    expect(on[0]).toMatchObject({ effectiveFrom: '2022-09-19' });
    expect(on[0].title).toContain('whichever state issued the visa');
    expect(after.map((p) => p.id)).toEqual(on.map((p) => p.id));
  });

  it('gives Finland\'s visa requirement, then its visa cut on 1 September 2022, the tourist ban by 15 October, and the closed border today', async () => {
    const august = await policiesAt('FI', '2022-08-31');
    expect(august.map((p) => [p.category, p.status, p.title])).toEqual([['VISA', 'CONDITIONAL', 'Visa required']]);
    expect(august[0].effectiveTo).toBe('2022-09-01');
    const september = await policiesAt('FI', '2022-09-01');
    expect(september.map((p) => [p.category, p.status])).toEqual([['VISA', 'RESTRICTED']]);
    expect(september[0].effectiveFrom).toBe('2022-09-01');

    const october = await policiesAt('FI', '2022-10-15');
    expect(october.map((p) => p.category)).toEqual(['ENTRY', 'VISA']);
    expect(october[0]).toMatchObject({ status: 'RESTRICTED', effectiveFrom: '2022-09-30', effectiveTo: '2023-11-18' });
    expect(october[0].title).toContain('Russian tourists refused entry');

    const today = await policiesAt('FI', todayIso(), 'ENTRY');
    expect(today).toHaveLength(1);
    expect(today[0]).toMatchObject({ status: 'CLOSED', effectiveTo: null });
  });

  it('gives the Baltic states\' and Poland\'s restriction from 19 September 2022, not the day before', async () => {
    const query = `query ($day: Date!) { policies(first: 100, filter: { countryCodes: ["EE", "LV", "LT", "PL"], categories: [ENTRY], inForceOn: $day }) {
      edges { node { countryCode status effectiveFrom } } } }`;
    const on = nodes((await gqlData(seeded.url, query, { day: '2022-09-19' })).policies);
    expect(on.map((p: any) => p.countryCode).sort()).toEqual(['EE', 'LT', 'LV', 'PL']);
    expect(on.every((p: any) => p.status === 'RESTRICTED' && p.effectiveFrom === '2022-09-19')).toBe(true);
    const before = nodes((await gqlData(seeded.url, query, { day: '2022-09-18' })).policies);
    expect(before.some((p: any) => p.effectiveFrom === '2022-09-19')).toBe(false);
  });

  it('lets a version replaced on the day it started drop out of every day', async () => {
    const first = await recordPolicy(bare, { countryCode: 'MC', status: 'OPEN', effectiveFrom: '2022-06-01' });
    const corrected = await recordPolicy(bare, { countryCode: 'MC', status: 'RESTRICTED', effectiveFrom: '2022-06-01' });
    const at = async (date: string) => (await gqlData(bare.url, AT, { code: 'MC', date })).country.policiesAt.map((p: any) => p.id);
    expect(await at('2022-05-31')).toEqual([]);
    expect(await at('2022-06-01')).toEqual([corrected.policy.id]);
    expect(await at('2022-06-02')).toEqual([corrected.policy.id]);
    expect(corrected.previous?.id).toBe(first.policy.id);
  });

  it('refuses a date that is not a calendar date', async () => {
    const result = await gql(seeded.url, AT, { code: 'FI', date: '2022-02-30' });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.data ?? null).toBeNull();
  });
});

const HISTORY = `query ($code: ID!, $category: PolicyCategory, $nationality: String! = "RU", $first: Int, $after: String) {
  country(code: $code) {
    policyHistory(category: $category, nationality: $nationality, first: $first, after: $after) {
      totalCount
      edges { cursor node { id effectiveFrom effectiveTo previousId previous { id } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

async function history(server: TestServer, variables: Record<string, unknown>) {
  return (await gqlData(server.url, HISTORY, { code: 'AD', ...variables })).country.policyHistory;
}

describe('country.policyHistory', () => {
  it('pages through one category newest first, with a constant totalCount and exact hasNextPage', async () => {
    const pages: any[] = [];
    let after: string | null = null;
    do {
      const page: any = await history(bare, { category: 'ENTRY', first: 2, after });
      pages.push(page);
      after = page.pageInfo.endCursor;
    } while (pages[pages.length - 1].pageInfo.hasNextPage && pages.length < 10);

    expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.totalCount)).toEqual([5, 5, 5]);
    expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
    expect(pages.flatMap((page) => nodes(page).map((p: any) => p.id))).toEqual([...adEntry].reverse());
  });

  it('lists every category when none is given', async () => {
    const page = await history(bare, { first: 10 });
    expect(page.totalCount).toBe(6);
    expect(nodes(page).map((p: any) => p.id)).toEqual([adEntry[4], adEntry[3], adEntry[2], adVisa, adEntry[1], adEntry[0]]);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('chains versions: each ends where its successor starts and names it as previous', async () => {
    const versions = nodes(await history(bare, { category: 'ENTRY', first: 10 })) as any[];
    expect(versions[0].effectiveTo).toBeNull();
    for (let i = 0; i < versions.length - 1; i += 1) {
      expect(versions[i].previousId).toBe(versions[i + 1].id);
      expect(versions[i].previous).toEqual({ id: versions[i + 1].id });
      expect(versions[i + 1].effectiveTo).toBe(versions[i].effectiveFrom);
    }
    expect(versions[versions.length - 1]).toMatchObject({ previousId: null, previous: null });
  });

  it('chains Finland\'s seeded entry history the same way', async () => {
    const { country } = await gqlData(seeded.url, HISTORY, { code: 'FI', category: 'ENTRY', first: 100 });
    const versions = nodes(country.policyHistory) as any[];
    expect(country.policyHistory.totalCount).toBe(versions.length);
    expect(versions.map((v) => v.effectiveFrom)).toEqual(expect.arrayContaining(['2022-09-30', '2023-11-30', '2024-04-15']));
    for (let i = 0; i < versions.length - 1; i += 1) expect(versions[i + 1].effectiveTo).toBe(versions[i].effectiveFrom);
  });

  it('answers for the nationality asked', async () => {
    const page = await history(bare, { nationality: 'BY' });
    expect(page.totalCount).toBe(1);
    expect(nodes(page).map((p: any) => p.id)).toEqual([adEntryBy]);
  });

  it('answers first: 0 with the count only, and refuses a page above the maximum', async () => {
    const page = await history(bare, { category: 'ENTRY', first: 0 });
    expect(page).toMatchObject({ totalCount: 5, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
    const refused = await gql(bare.url, HISTORY, { code: 'AD', first: bare.config.pageSize.max + 1 });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field: 'first' });
  });

  it('refuses an edited cursor and a cursor of the policies list', async () => {
    const first = await history(bare, { first: 1 });
    const cursor: string = first.pageInfo.endCursor;
    const edited = await gql(bare.url, HISTORY, { code: 'AD', after: `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'BB' : 'AA'}` });
    expect(errorCode(edited)).toBe('BAD_USER_INPUT');
    expect(edited.errors?.[0]?.extensions).toMatchObject({ field: 'after' });

    const policies = await gqlData(bare.url, '{ policies(first: 1) { pageInfo { endCursor } } }');
    const foreign = await gql(bare.url, HISTORY, { code: 'AD', after: policies.policies.pageInfo.endCursor });
    expect(errorCode(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors?.[0]?.message).toContain('another list');
  });
});
