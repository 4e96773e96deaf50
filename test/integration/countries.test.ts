import { errorCode, gql, gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const PAGE = `query ($first: Int, $after: String, $filter: CountryFilter) {
  countries(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { code name region subregion isEu isSchengen } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('countries', () => {
  it('lists every ISO country by name, with the default page size', async () => {
    const { countries } = await gqlData(server.url, PAGE);
    expect(countries.totalCount).toBeGreaterThanOrEqual(249);
    expect(countries.edges).toHaveLength(server.config.pageSize.default);
    const names = countries.edges.map((e: any) => e.node.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b, 'en')));
    expect(countries.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('walks all pages with after, seeing each country exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const { countries }: any = await gqlData(server.url, PAGE, { first: 100, after });
      seen.push(...countries.edges.map((e: any) => e.node.code));
      if (!countries.pageInfo.hasNextPage) break;
      after = countries.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(249);
  });

  it('returns an empty page after the last edge and a full last page without a next one', async () => {
    const all = (await gqlData(server.url, PAGE, { first: 100, filter: { region: 'Oceania' } })).countries;
    const last = all.edges[all.edges.length - 1].cursor;
    const after = (await gqlData(server.url, PAGE, { first: 5, after: last, filter: { region: 'Oceania' } })).countries;
    expect(after.edges).toEqual([]);
    expect(after.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, endCursor: null });
    const exact = (await gqlData(server.url, PAGE, { first: all.totalCount, filter: { region: 'Oceania' } })).countries;
    expect(exact.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by region or sub-region, any case', async () => {
    const { countries } = await gqlData(server.url, PAGE, { first: 100, filter: { region: 'central asia' } });
    expect(countries.edges.map((e: any) => e.node.code).sort()).toEqual(['KG', 'KZ', 'TJ', 'TM', 'UZ']);
  });

  it('searches names without regard to case or accents, and codes exactly', async () => {
    const aland = await gqlData(server.url, PAGE, { filter: { search: 'ALAND isl' } });
    expect(aland.countries.edges.map((e: any) => e.node.code)).toEqual(['AX']);
    const fin = await gqlData(server.url, PAGE, { filter: { search: 'FIN' } });
    expect(fin.countries.edges.map((e: any) => e.node.code)).toContain('FI');
  });

  it('keeps Namibia\'s code NA and carries EU and Schengen membership', async () => {
    const data = await gqlData(server.url, `{ na: country(code: "NA") { name } fi: country(code: "FI") { isEu isSchengen }
      ie: country(code: "IE") { isEu isSchengen } no: country(code: "NO") { isEu isSchengen } xk: country(code: "XK") { name } }`);
    expect(data).toEqual({
      na: { name: 'Namibia' },
      fi: { isEu: true, isSchengen: true },
      ie: { isEu: true, isSchengen: false },
      no: { isEu: false, isSchengen: true },
      xk: { name: 'Kosovo' },
    });
  });

  it('filters by the status of the policies in force today', async () => {
    const closed = await gqlData(server.url, PAGE, { first: 100, filter: { status: 'CLOSED', category: 'ENTRY' } });
    expect(closed.countries.edges.map((e: any) => e.node.code)).toContain('FI');
    const restricted = await gqlData(server.url, PAGE, { first: 100, filter: { status: 'RESTRICTED', category: 'ENTRY' } });
    const codes = restricted.countries.edges.map((e: any) => e.node.code);
    expect(codes).toEqual(expect.arrayContaining(['EE', 'LT', 'LV', 'PL']));
    expect(codes).not.toContain('FI');
  });

  it('filters by category alone: countries with a policy of that category in force today', async () => {
    const query = `{ countries(first: 100, filter: { category: RESIDENCE }) {
      totalCount edges { node { code currentPolicies(category: RESIDENCE) { category } } } } }`;
    const { countries } = await gqlData(server.url, query);
    expect(countries.edges.map((e: any) => e.node.code)).toContain('MN');
    expect(countries.totalCount).toBe(countries.edges.length);
    expect(countries.totalCount).toBeLessThan(249);
    for (const edge of countries.edges) expect(edge.node.currentPolicies).not.toEqual([]);
    const visa = (await gqlData(server.url, '{ countries(filter: { category: VISA }) { totalCount } }')).countries.totalCount;
    expect(visa).toBeGreaterThan(countries.totalCount);
    expect(visa).toBeLessThan(251);
  });

  it('returns null for an unknown code', async () => {
    expect(await gqlData(server.url, '{ country(code: "QQ") { name } }')).toEqual({ country: null });
  });

  it('refuses page sizes above the maximum and below zero, naming the argument', async () => {
    for (const first of [server.config.pageSize.max + 1, -1]) {
      const result = await gql(server.url, PAGE, { first });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions).toMatchObject({ field: 'first' });
      expect(result.errors?.[0]?.message).toContain(`between 0 and ${server.config.pageSize.max}`);
    }
  });

  it('refuses an edited cursor and a cursor of another list', async () => {
    const { countries } = await gqlData(server.url, PAGE, { first: 1 });
    const cursor: string = countries.edges[0].cursor;
    const edited = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    const tampered = await gql(server.url, PAGE, { after: edited });
    expect(errorCode(tampered)).toBe('BAD_USER_INPUT');
    expect(tampered.errors?.[0]?.extensions).toMatchObject({ field: 'after' });

    const feed = await gqlData(server.url, '{ feed(first: 1) { edges { cursor } } }');
    const foreign = await gql(server.url, PAGE, { after: feed.feed.edges[0].cursor });
    expect(errorCode(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors?.[0]?.message).toContain('another list');

    const garbage = await gql(server.url, PAGE, { after: 'not-a-cursor' });
    expect(errorCode(garbage)).toBe('BAD_USER_INPUT');
  });
});
