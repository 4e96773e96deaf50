import { CursorCodec } from '../../src/common/cursor';
import { errorCode, gql, gqlData } from '../helpers/graphql';
import { nodes, recordPolicy } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

// Small page limits, so that six versions are enough to cross every boundary.
let server: TestServer;
const id: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ template: 'bare', env: { PAGE_SIZE_DEFAULT: '2', PAGE_SIZE_MAX: '5' } });
  const record = async (name: string, fixture: Parameters<typeof recordPolicy>[1]) => {
    id[name] = (await recordPolicy(server, fixture)).policy.id;
  };
  await record('adEntryOpen', { countryCode: 'AD', status: 'OPEN', effectiveFrom: '2022-01-01' });
  await record('smEntryBy', { countryCode: 'SM', nationality: 'BY', status: 'OPEN', effectiveFrom: '2022-02-01' });
  await record('adVisa', { countryCode: 'AD', category: 'VISA', status: 'OPEN', visaRequirement: 'VISA_FREE', effectiveFrom: '2022-03-01' });
  await record('adEntryRestricted', { countryCode: 'AD', status: 'RESTRICTED', effectiveFrom: '2022-06-01' });
  await record('mcEntry', { countryCode: 'MC', status: 'CONDITIONAL', effectiveFrom: '2022-06-01' });
  await record('adEntryClosed', { countryCode: 'AD', status: 'CLOSED', effectiveFrom: '2023-01-01' });
});
afterAll(() => server.stop());

const PAGE = `query ($first: Int, $after: String, $filter: PolicyFilter) {
  policies(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id countryCode nationality category status effectiveFrom effectiveTo } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function policies(variables: Record<string, unknown>) {
  return (await gqlData(server.url, PAGE, variables)).policies;
}

async function ids(filter: Record<string, unknown>): Promise<string[]> {
  return nodes<{ id: string }>(await policies({ first: 5, filter })).map((policy) => policy.id);
}

/** Newest effectiveFrom first; the two versions of 2022-06-01 by recordedAt, the later first (as the service orders them). */
function expectedOrder(): string[] {
  return [id.adEntryClosed!, id.mcEntry!, id.adEntryRestricted!, id.adVisa!, id.smEntryBy!, id.adEntryOpen!];
}

describe('policies: order and pagination', () => {
  it('uses the default page size when first is absent', async () => {
    const page = await policies({});
    expect(page.edges).toHaveLength(2);
    expect(page.totalCount).toBe(6);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('walks every version newest effectiveFrom first, ties broken by recording time, each exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page: any = await policies({ first: 2, after });
      expect(page.totalCount).toBe(6);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
      seen.push(...nodes<{ id: string }>(page).map((p) => p.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expectedOrder());
  });

  it('says hasNextPage exactly: false when the page ends on the last version, true one short of it', async () => {
    const filter = { nationality: 'RU' };
    const all = await policies({ first: 5, filter });
    expect(all.totalCount).toBe(5);
    expect(all.edges).toHaveLength(5);
    expect(all.pageInfo.hasNextPage).toBe(false);

    const short = await policies({ first: 4, filter });
    expect(short.pageInfo.hasNextPage).toBe(true);
    const rest = await policies({ first: 5, after: short.pageInfo.endCursor, filter });
    expect(rest.edges.map((e: any) => e.node.id)).toEqual([all.edges[4].node.id]);
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('returns an empty page after the last edge', async () => {
    const all = await policies({ first: 5, filter: { nationality: 'RU' } });
    const page = await policies({ first: 5, after: all.pageInfo.endCursor, filter: { nationality: 'RU' } });
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
    expect(page.totalCount).toBe(5);
  });

  it('answers first: 0 with no edges but the count and whether anything follows', async () => {
    const page = await policies({ first: 0 });
    expect(page.edges).toEqual([]);
    expect(page.totalCount).toBe(6);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('accepts the maximum page size and refuses one more, naming the argument', async () => {
    expect((await policies({ first: 5 })).edges).toHaveLength(5);
    const refused = await gql(server.url, PAGE, { first: 6 });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field: 'first' });
    expect(refused.errors?.[0]?.message).toContain('between 0 and 5');
  });
});

describe('policies: filters', () => {
  it('filters by country codes', async () => {
    expect((await ids({ countryCodes: ['MC', 'SM'] })).sort()).toEqual([id.mcEntry, id.smEntryBy].sort());
  });

  it('filters by nationality', async () => {
    expect(await ids({ nationality: 'BY' })).toEqual([id.smEntryBy]);
    expect(await ids({ nationality: 'RU' })).not.toContain(id.smEntryBy);
  });

  it('filters by categories', async () => {
    expect(await ids({ categories: ['VISA'] })).toEqual([id.adVisa]);
    expect((await policies({ filter: { categories: ['ENTRY', 'VISA'] } })).totalCount).toBe(6);
  });

  it('filters by statuses', async () => {
    expect((await ids({ statuses: ['OPEN'] })).sort()).toEqual([id.adEntryOpen, id.adVisa, id.smEntryBy].sort());
    expect(await ids({ statuses: ['RESTRICTED', 'CLOSED'] })).toEqual([id.adEntryClosed, id.adEntryRestricted]);
  });

  it('keeps, with inForceOn, the versions in force that day: from its effectiveFrom, until the day before its effectiveTo', async () => {
    const inForce = async (day: string) => (await ids({ inForceOn: day })).sort();
    expect(await inForce('2021-12-31')).toEqual([]);
    expect(await inForce('2022-01-01')).toEqual([id.adEntryOpen]);
    // The OPEN version ends on 2022-06-01 (effectiveTo is exclusive): the day before it is still in force...
    expect(await inForce('2022-05-31')).toEqual([id.adEntryOpen, id.smEntryBy, id.adVisa].sort());
    // ...on the day itself its successor is, and MC's first version starts.
    expect(await inForce('2022-06-01')).toEqual([id.adEntryRestricted, id.mcEntry, id.smEntryBy, id.adVisa].sort());
    expect(await inForce('2022-12-31')).toEqual([id.adEntryRestricted, id.mcEntry, id.smEntryBy, id.adVisa].sort());
    expect(await inForce('2023-01-01')).toEqual([id.adEntryClosed, id.mcEntry, id.smEntryBy, id.adVisa].sort());
    expect(await inForce('2099-12-31')).toEqual([id.adEntryClosed, id.mcEntry, id.smEntryBy, id.adVisa].sort());
  });

  it('combines conditions, and counts only what matches them all', async () => {
    const page = await policies({ first: 5, filter: { countryCodes: ['AD'], categories: ['ENTRY'], nationality: 'RU', inForceOn: '2022-06-01' } });
    expect(nodes(page).map((p: any) => p.id)).toEqual([id.adEntryRestricted]);
    expect(page.totalCount).toBe(1);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses an unknown country code, naming the position in the list', async () => {
    const result = await gql(server.url, PAGE, { filter: { countryCodes: ['AD', 'QQ'] } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions).toMatchObject({ field: 'filter.countryCodes.1' });
    expect(result.errors?.[0]?.message).toContain('unknown country code "QQ"');
    expect(result.data).toBeNull();
  });

  it('refuses a code that is not two capital letters', async () => {
    const result = await gql(server.url, PAGE, { filter: { countryCodes: ['ad'] } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions).toMatchObject({ field: 'filter.countryCodes.0' });
  });

  it('refuses an unknown nationality instead of answering with nothing', async () => {
    const result = await gql(server.url, PAGE, { filter: { nationality: 'QQ' } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions).toMatchObject({ field: 'filter.nationality' });
  });
});

describe('policies: cursors', () => {
  async function refusal(after: string) {
    const result = await gql(server.url, PAGE, { first: 2, after });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions).toMatchObject({ field: 'after' });
    return result.errors![0]!.message;
  }

  it('refuses an edited cursor', async () => {
    const { pageInfo } = await policies({ first: 1 });
    const cursor: string = pageInfo.endCursor;
    const [body, signature] = cursor.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
    decoded[1] = '2099-01-01T00:00:00.000Z';
    const edited = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
    expect(await refusal(edited)).toContain('not a valid cursor');
    expect(await refusal(`${cursor}x`)).toContain('not a valid cursor');
    expect(await refusal('garbage')).toContain('not a valid cursor');
  });

  it('refuses a cursor of another list, and one signed with another secret', async () => {
    const countries = await gqlData(server.url, '{ countries(first: 1) { pageInfo { endCursor } } }');
    expect(await refusal(countries.countries.pageInfo.endCursor)).toContain('another list');
    const history = await gqlData(server.url, '{ country(code: "AD") { policyHistory(first: 1) { pageInfo { endCursor } } } }');
    expect(await refusal(history.country.policyHistory.pageInfo.endCursor)).toContain('another list');
    const foreign = new CursorCodec('another-instance-secret').encode('policies', ['2022-06-01T00:00:00.000Z', id.mcEntry!]);
    expect(await refusal(foreign)).toContain('not a valid cursor');
  });

  it('refuses a correctly signed cursor whose position is malformed', async () => {
    const malformed = server.app.services.cursors.encode('policies', ['yesterday', 'x']);
    expect(await refusal(malformed)).toContain('not a valid cursor');
  });
});
