import { nextUtcMidnight } from '../../src/common/clock';
import { formatIsoDate, todayUtc } from '../../src/common/dates';
import { liveFilter, MAP_COUNTRIES, MAP_COUNTRY_STORY, MAP_DESTINATIONS, MAP_LATEST_CHANGE, MAP_LIVE, MAP_NATIONALITIES } from '../../src/map/map.queries';
import { ManualClock } from '../helpers/clock';
import { gql, gqlData } from '../helpers/graphql';
import { sleep } from '../helpers/ports';
import { addStatement } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { recordPolicyChange } from '../helpers/writes';

/**
 * The map over plain HTTP: the page and its assets under the playground's security policy, and
 * every operation the page sends (src/map/map.queries.ts), run as the page runs them, against
 * the seeded data.
 */
let server: TestServer;
/** The instance's clock, moved past a midnight for POLICY_IN_FORCE items; it starts at the real time. */
let clock: ManualClock;
const origin = () => new URL(server.url).origin;
/** The real UTC day after today: "ahead of time" is by the day a version is recorded (PostgreSQL's now()). */
const tomorrow = () => new Date(todayUtc().getTime() + 86_400_000);

beforeAll(async () => {
  // A version recorded "tomorrow" must be recorded today: a run must not straddle a real midnight.
  const toMidnight = nextUtcMidnight(new Date()).getTime() - Date.now();
  if (toMidnight < 120_000) await sleep(toMidnight + 1_000);
  clock = new ManualClock();
  server = await startTestServer({ clock });
}, 180_000);
afterAll(() => server.stop());

describe('GET /map', () => {
  it("serves the page, whose script, stylesheet and world data all come from this host, under the playground's policy", async () => {
    const [page, playground] = await Promise.all([
      fetch(`${origin()}/map`),
      fetch(server.url, { headers: { accept: 'text/html' } }),
    ]);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(playground.headers.get('content-security-policy'));
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    // Nothing is loaded from elsewhere (the credits link to Natural Earth is a link, not a load).
    expect(html).not.toMatch(/\ssrc="(https?:)?\/\//);
    expect(html).not.toMatch(/<link[^>]+href="(https?:)?\/\//);
    const assets = [...html.matchAll(/(?:src|href)="(\/map\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(2);
    const script = await (await fetch(`${origin()}${assets.find((asset) => asset.endsWith('.js'))}`)).text();
    const world = /\/map\/assets\/world-\w+\.json/.exec(script)?.[0];
    expect(world).toBeDefined();
    for (const asset of [...assets, world!]) {
      const served = await fetch(`${origin()}${asset}`);
      expect({ asset, status: served.status }).toEqual({ asset, status: 200 });
      expect(served.headers.get('cache-control')).toContain('immutable');
      expect(served.headers.get('content-encoding')).toBe('gzip');
      expect(served.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
    }
  });

  it('redirects /map/ to /map, keeping the view, so the page finds the API beside it', async () => {
    const response = await fetch(`${origin()}/map/?nationality=RU&country=FI`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/map?nationality=RU&country=FI');
  });

  it('answers 404 for an asset that does not exist, and for the build stamp', async () => {
    expect((await fetch(`${origin()}/map/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${origin()}/map/assets/.source-hash`)).status).toBe(404);
  });
});

describe("the map's queries", () => {
  it('MAP_COUNTRIES pages through every country with its ISO numeric code, leading zeros kept', async () => {
    const all: any[] = [];
    let after: string | null = null;
    let requests = 0;
    do {
      const { countries }: any = await gqlData(server.url, MAP_COUNTRIES, { after });
      requests += 1;
      all.push(...countries.edges.map((edge: any) => edge.node));
      after = countries.pageInfo.hasNextPage ? countries.pageInfo.endCursor : null;
    } while (after);
    expect(all).toHaveLength(server.app.services.catalog.size);
    expect(requests).toBe(3);
    expect(all.find((country) => country.code === 'AF')).toEqual({ code: 'AF', numeric: '004', name: 'Afghanistan' });
    expect(all.find((country) => country.code === 'FI').numeric).toBe('246');
  });

  it('MAP_NATIONALITIES lists the passports with data, by name, in one request', async () => {
    const { nationalities } = await gqlData(server.url, MAP_NATIONALITIES);
    const codes = nationalities.map((nationality: any) => nationality.code);
    expect(codes).toEqual(expect.arrayContaining(['RU', 'UA', 'BY', 'FI']));
    expect(new Set(codes).size).toBe(codes.length);
    expect(nationalities.find((nationality: any) => nationality.code === 'UA')).toEqual({ code: 'UA', country: { name: 'Ukraine' } });
    const names = nationalities.map((nationality: any) => nationality.country.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)));
    // Only passports with data: never the whole catalog (Antarctica issues none).
    expect(codes.length).toBeLessThan(server.app.services.catalog.size);
    expect(codes).not.toContain('AQ');
  });

  it('MAP_DESTINATIONS gives the whole map of a day in one request', async () => {
    const before = await gqlData(server.url, MAP_DESTINATIONS, { nationality: 'RU', date: '2022-09-29' });
    const after = await gqlData(server.url, MAP_DESTINATIONS, { nationality: 'RU', date: '2022-10-01' });
    expect(after.nationality.destinations.length).toBeGreaterThan(190);
    const finland = (data: any) => data.nationality.destinations.find((d: any) => d.country.code === 'FI');
    expect(finland(before).policies.map((p: any) => p.category)).toEqual(['VISA']);
    expect(finland(after).policies.find((p: any) => p.category === 'ENTRY')).toMatchObject({ status: 'RESTRICTED', effectiveFrom: '2022-09-30' });
    expect(finland(after).visa).toEqual({ visaRequirement: 'VISA_REQUIRED', maxStayDays: null });
  });

  it('MAP_COUNTRY_STORY tells a country\'s story in one request, every source a link', async () => {
    const { country } = await gqlData(server.url, MAP_COUNTRY_STORY, { code: 'FI', nationality: 'RU', date: '2022-10-01' });
    expect(country.name).toBe('Finland');
    expect(country.policiesAt.map((p: any) => p.category)).toEqual(['ENTRY', 'VISA']);
    expect(country.policyHistory.totalCount).toBeGreaterThanOrEqual(11);
    expect(country.statements.edges.length + country.events.edges.length).toBeGreaterThan(0);
    const sources = [...country.policiesAt, ...country.policyHistory.edges.map((e: any) => e.node), ...country.statements.edges.map((e: any) => e.node), ...country.events.edges.map((e: any) => e.node)].flatMap((record: any) => record.sources);
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.every((source: any) => /^https?:\/\//.test(source.url) && source.title)).toBe(true);
  });

  it('MAP_LATEST_CHANGE then MAP_LIVE: every policy change committed after the map was read, then live ones; no statements', async () => {
    const headers = await editorHeaders(server.app);
    const { feed } = await gqlData(server.url, MAP_LATEST_CHANGE, { filter: liveFilter('RU') });
    const missed = await recordPolicyChange(server.url, headers, { countryCode: 'EE', category: 'ENTRY', status: 'CLOSED', effectiveFrom: '2024-01-01', title: `Missed ${Date.now()}` });
    await addStatement(server, { speaker: 'Someone', saidAt: '2024-01-02T10:00:00Z', countryCode: 'EE' });
    const client = wsClient(server.app.wsUrl);
    const live = new TestSubscription(client, MAP_LIVE, { filter: liveFilter('RU'), after: feed.edges[0].cursor });
    try {
      await live.waitForCount(1);
      const later = await recordPolicyChange(server.url, headers, { countryCode: 'FI', category: 'VISA', status: 'OPEN', visaRequirement: 'VISA_FREE', effectiveFrom: '2024-02-01', title: `Live ${Date.now()}` });
      await live.waitForCount(2);
      const edges = live.data.map((data: any) => data.feed);
      expect(edges.map((edge: any) => edge.node.policy.title)).toEqual([missed.data.recordPolicyChange.policy.title, later.data.recordPolicyChange.policy.title]);
      expect(edges[0]).toMatchObject({ kind: 'POLICY_CHANGE', node: { __typename: 'PolicyChange', direction: 'STRICTER', policy: { countryCode: 'EE', nationality: 'RU', category: 'ENTRY', status: 'CLOSED', effectiveFrom: '2024-01-01', effectiveTo: null, country: { name: 'Estonia' } } } });
      expect(edges[1].node.policy).toMatchObject({ visaRequirement: 'VISA_FREE', category: 'VISA' });
      expect(edges[1].cursor).toBe(later.data.recordPolicyChange.cursor);
      expect(live.results.every((result) => !result.errors)).toBe(true);
    } finally {
      live.unsubscribe();
      await client.dispose();
    }
  });

  it('MAP_LIVE also delivers a version recorded ahead of time when its day begins (POLICY_IN_FORCE), and MAP_LATEST_CHANGE then names it', async () => {
    const headers = await editorHeaders(server.app);
    const title = `Ahead ${Date.now()}`;
    // Uzbekistan's first ENTRY rule for Russian passports: NEW when it takes effect.
    const ahead = await recordPolicyChange(server.url, headers, { countryCode: 'UZ', category: 'ENTRY', status: 'CLOSED', effectiveFrom: formatIsoDate(tomorrow()), title });
    expect(ahead.errors).toBeUndefined();
    const client = wsClient(server.app.wsUrl);
    const live = new TestSubscription(client, MAP_LIVE, { filter: liveFilter('RU'), after: ahead.data.recordPolicyChange.cursor });
    try {
      // Written before or after the subscription starts, the item comes: it resumes from the cursor.
      clock.set(new Date(tomorrow().getTime() + 1_000));
      await live.waitForCount(1);
      const edge = live.data[0].feed;
      expect(edge).toMatchObject({
        kind: 'POLICY_IN_FORCE',
        node: { __typename: 'PolicyInForce', direction: 'NEW', policy: { id: ahead.data.recordPolicyChange.policy.id, countryCode: 'UZ', nationality: 'RU', category: 'ENTRY', status: 'CLOSED', title, effectiveFrom: formatIsoDate(tomorrow()), country: { name: 'Uzbekistan' } } },
      });
      const { feed } = await gqlData(server.url, MAP_LATEST_CHANGE, { filter: liveFilter('RU') });
      expect(feed.edges[0].cursor).toBe(edge.cursor);
      expect(live.results.every((result) => !result.errors)).toBe(true);
    } finally {
      live.unsubscribe();
      await client.dispose();
    }
  });

  it('needs no token for any of them', async () => {
    for (const [query, variables] of [
      [MAP_COUNTRIES, {}],
      [MAP_NATIONALITIES, {}],
      [MAP_DESTINATIONS, { nationality: 'RU', date: '2022-10-01' }],
      [MAP_LATEST_CHANGE, { filter: liveFilter('RU') }],
      [MAP_COUNTRY_STORY, { code: 'KZ', nationality: 'RU', date: '2022-10-01' }],
    ] as const) {
      expect((await gql(server.url, query, variables)).errors).toBeUndefined();
    }
  });
});
