import { errorCode, gql, gqlData } from '../helpers/graphql';
import { addEvent, addStatement, nodes } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

let seeded: TestServer;
let bare: TestServer;
const s: Record<string, string> = {};
const e: Record<string, string> = {};
const sameTime = { statements: [] as string[], events: [] as string[] };

beforeAll(async () => {
  [seeded, bare] = await Promise.all([startTestServer(), startTestServer({ template: 'bare' })]);
  const statement = async (name: string, countryCode: string | null, saidAt: string) => {
    s[name] = (await addStatement(bare, { speaker: `Speaker ${name}`, countryCode, saidAt })).statement.id;
  };
  await statement('ad1', 'AD', '2022-01-01T10:00:00Z');
  await statement('ad3', 'AD', '2022-01-03T00:00:00Z');
  await statement('ad2', 'AD', '2022-01-02T08:30:00Z');
  await statement('mc', 'MC', '2022-01-02T00:00:00Z');
  await statement('nowhere', null, '2022-01-05T00:00:00Z');
  const event = async (name: string, occurredOn: string, countryCode: string | null, countryCodes: string[] = []) => {
    e[name] = (await addEvent(bare, { title: `Event ${name}`, occurredOn, countryCode, countryCodes })).event.id;
  };
  await event('inAdWithMc', '2022-02-01', 'AD', ['MC']);
  await event('inMc', '2022-02-03', 'MC');
  await event('involvingAd', '2022-02-02', null, ['AD']);
  await event('inFr', '2022-02-04', 'FR');
  // San Marino: three statements at one instant and three events on one day, to page through ties.
  for (const n of [1, 2, 3]) {
    sameTime.statements.push((await addStatement(bare, { speaker: `Captain Regent ${n}`, countryCode: 'SM', saidAt: '2022-03-01T12:00:00Z' })).statement.id);
    sameTime.events.push((await addEvent(bare, { title: `Same day ${n}`, occurredOn: '2022-03-01', countryCode: 'SM' })).event.id);
  }
});

/** Walks a country's list one item at a time and returns the ids in the order seen. */
async function walk(query: string, code: string): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 10; i += 1) {
    const current: any = await page(query, { code, first: 1, after });
    seen.push(...nodes(current).map((n: any) => n.id));
    if (!current.pageInfo.hasNextPage) break;
    after = current.pageInfo.endCursor;
  }
  return seen;
}
afterAll(() => Promise.all([seeded?.stop(), bare?.stop()]));

const STATEMENTS = `query ($code: ID!, $first: Int, $after: String) {
  country(code: $code) {
    statements(first: $first, after: $after) {
      totalCount edges { cursor node { id countryCode saidAt } } pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}`;

const EVENTS = `query ($code: ID!, $first: Int, $after: String) {
  country(code: $code) {
    events(first: $first, after: $after) {
      totalCount edges { cursor node { id occurredOn countries { code } } } pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}`;

async function page(query: string, variables: Record<string, unknown>) {
  const { country } = await gqlData(bare.url, query, variables);
  return country.statements ?? country.events;
}

describe('country.statements', () => {
  it('pages through the statements of the country\'s officials, newest first', async () => {
    const first = await page(STATEMENTS, { code: 'AD', first: 2 });
    expect(nodes(first).map((n: any) => n.id)).toEqual([s.ad3, s.ad2]);
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const second = await page(STATEMENTS, { code: 'AD', first: 2, after: first.pageInfo.endCursor });
    expect(nodes(second).map((n: any) => n.id)).toEqual([s.ad1]);
    expect(second.totalCount).toBe(3);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('says hasNextPage false when the page ends exactly on the last statement', async () => {
    const exact = await page(STATEMENTS, { code: 'AD', first: 3 });
    expect(exact.edges).toHaveLength(3);
    expect(exact.pageInfo.hasNextPage).toBe(false);
    const after = await page(STATEMENTS, { code: 'AD', first: 3, after: exact.pageInfo.endCursor });
    expect(after).toMatchObject({ edges: [], totalCount: 3, pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('keeps each country\'s statements apart when several countries are asked at once', async () => {
    const data = await gqlData(bare.url, `{
      ad: country(code: "AD") { statements(first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage } } }
      mc: country(code: "MC") { statements(first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage } } }
      fr: country(code: "FR") { statements(first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage } } }
    }`);
    expect(data.ad.statements).toEqual({ totalCount: 3, edges: [{ node: { id: s.ad3 } }], pageInfo: { hasNextPage: true } });
    expect(data.mc.statements).toEqual({ totalCount: 1, edges: [{ node: { id: s.mc } }], pageInfo: { hasNextPage: false } });
    expect(data.fr.statements).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
  });

  it('pages through statements said at the same instant, each once, by id descending', async () => {
    expect(await walk(STATEMENTS, 'SM')).toEqual([...sameTime.statements].sort().reverse());
  });

  it('answers first: 0 with the count only', async () => {
    expect(await page(STATEMENTS, { code: 'AD', first: 0 })).toMatchObject({ totalCount: 3, edges: [], pageInfo: { hasNextPage: true } });
  });

  it('refuses a page above the maximum, an edited cursor and a cursor of the events list', async () => {
    const big = await gql(bare.url, STATEMENTS, { code: 'AD', first: bare.config.pageSize.max + 1 });
    expect(errorCode(big)).toBe('BAD_USER_INPUT');
    expect(big.errors?.[0]?.extensions).toMatchObject({ field: 'first' });

    const events = await page(EVENTS, { code: 'AD', first: 1 });
    const foreign = await gql(bare.url, STATEMENTS, { code: 'AD', after: events.pageInfo.endCursor });
    expect(errorCode(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors?.[0]?.message).toContain('another list');

    const edited = await gql(bare.url, STATEMENTS, { code: 'AD', after: `A${events.pageInfo.endCursor}` });
    expect(errorCode(edited)).toBe('BAD_USER_INPUT');
    expect(edited.errors?.[0]?.extensions).toMatchObject({ field: 'after' });
  });

  it('shows what Kazakhstan\'s president said, with its source', async () => {
    const { country } = await gqlData(seeded.url, '{ country(code: "KZ") { statements(first: 20) { edges { node { speaker speakerRole saidAt text sources { url } } } } } }');
    const tokayev = nodes(country.statements).find((n: any) => n.speaker === 'Kassym-Jomart Tokayev') as any;
    expect(tokayev).toMatchObject({ speakerRole: 'President of Kazakhstan', saidAt: '2022-09-27T00:00:00.000Z' });
    expect(tokayev.text).toContain('We must take care of them and ensure their safety');
    expect(tokayev.sources.map((src: any) => src.url)).toContain('https://tribune.net.ph/2022/09/28/kazakhstan-vows-safety-care-of-russians-fleeing-draft');
  });
});

describe('country.events', () => {
  it('lists the events the country is involved in, where it happened or not, most recent first', async () => {
    const ad = await page(EVENTS, { code: 'AD' });
    expect(nodes(ad).map((n: any) => n.id)).toEqual([e.involvingAd, e.inAdWithMc]);
    expect(ad.totalCount).toBe(2);
    const mc = await page(EVENTS, { code: 'MC' });
    expect(nodes(mc).map((n: any) => n.id)).toEqual([e.inMc, e.inAdWithMc]);
    expect(nodes(mc)[1].countries.map((c: any) => c.code)).toEqual(['AD', 'MC']);
  });

  it('pages with cursors, one event at a time', async () => {
    const first = await page(EVENTS, { code: 'MC', first: 1 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(EVENTS, { code: 'MC', first: 1, after: first.pageInfo.endCursor });
    expect(nodes(second).map((n: any) => n.id)).toEqual([e.inAdWithMc]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(second.totalCount).toBe(2);
  });

  it('pages through events of the same day, each once, by id descending', async () => {
    expect(await walk(EVENTS, 'SM')).toEqual([...sameTime.events].sort().reverse());
  });

  it('answers first: 0 and refuses a cursor of the statements list', async () => {
    expect(await page(EVENTS, { code: 'FR', first: 0 })).toMatchObject({ totalCount: 1, edges: [], pageInfo: { hasNextPage: true } });
    const statements = await page(STATEMENTS, { code: 'AD', first: 1 });
    const foreign = await gql(bare.url, EVENTS, { code: 'AD', after: statements.pageInfo.endCursor });
    expect(errorCode(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ field: 'after' });
  });

  it('shows the arrivals counted in Kazakhstan, with figures and sources', async () => {
    const { country } = await gqlData(seeded.url, '{ country(code: "KZ") { events(first: 50) { totalCount edges { node { title occurredOn figure { value unit qualifier } sources { url } countries { code } } } } } }');
    const events = nodes(country.events) as any[];
    expect(country.events.totalCount).toBe(events.length);
    const on = (day: string, value: number) => events.find((ev) => ev.occurredOn === day && ev.figure?.value === value);
    expect(on('2022-09-27', 98000)).toMatchObject({ figure: { value: 98000, qualifier: 'ABOUT' } });
    expect(on('2022-10-04', 200000)).toMatchObject({ figure: { value: 200000, qualifier: 'MORE_THAN' } });
    expect(on('2022-10-04', 200000).countries.map((c: any) => c.code)).toEqual(['KZ', 'RU']);
    expect(events.every((ev) => ev.sources.length > 0)).toBe(true);
  });
});
