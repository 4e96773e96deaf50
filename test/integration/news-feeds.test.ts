import { parseFeed } from '@rowanmanning/feed-parser';
import { gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/** /feed.atom and /feed.json, read the way news readers read them: through a real feed parser. */
let server: TestServer;
let origin: string;

beforeAll(async () => {
  server = await startTestServer();
  origin = new URL(server.url).origin;
});
afterAll(() => server.stop());

async function get(path: string) {
  const response = await fetch(`${origin}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control'), body: await response.text() };
}

async function atom(path: string) {
  const response = await get(path);
  expect({ path, status: response.status }).toEqual({ path, status: 200 });
  expect(response.type).toBe('application/atom+xml; charset=utf-8');
  return parseFeed(response.body);
}

const GRAPHQL_FEED = `query ($filter: FeedFilter, $first: Int) {
  feed(first: $first, filter: $filter) {
    edges {
      cursor kind committedAt
      node {
        __typename
        ... on PolicyChange { policy { title effectiveFrom sources { url } } }
        ... on Statement { speaker sources { url } }
        ... on Event { title sources { url } }
      }
    }
  }
}`;

const graphqlFeed = async (filter: Record<string, unknown> | null, first = 50) => (await gqlData(server.url, GRAPHQL_FEED, { filter, first })).feed.edges as any[];

describe('GET /feed.atom?country=FI', () => {
  it('is valid Atom with Finland\'s changes, newest first, each with the stable id of its feed cursor', async () => {
    const feed = await atom('/feed.atom?country=FI');
    expect(feed.meta).toEqual({ type: 'atom', version: '1.0' });
    expect(feed.title).toBe('Borderwatch Finland');
    expect(feed.self).toBe(`${origin}/feed.atom?country=FI`);
    const edges = await graphqlFeed({ countryCodes: ['FI'] });
    expect(edges.length).toBeGreaterThan(3);
    expect(feed.items.map((item) => item.id)).toEqual(edges.map((edge) => `urn:borderwatch:feed:${edge.cursor}`));
    for (const [index, item] of feed.items.entries()) {
      const edge = edges[index];
      expect(item.title).toMatch(/^([^:]+, )?Finland(, [^:]+)?: /);
      expect(item.updated?.toISOString()).toBe(edge.committedAt);
      expect(item.published?.toISOString()).toBe(edge.committedAt);
      expect(item.description).toBeTruthy();
      expect(item.categories.map((category) => category.term)).toEqual(expect.arrayContaining([edge.kind, 'FI']));
      const sources: Array<{ url: string }> = edge.node.policy?.sources ?? edge.node.sources;
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(item.content).toContain(`href="${source.url.replace(/&/g, '&#38;')}"`);
    }
  });

  it('tells the 30 September 2022 closure with its own date and its sources', async () => {
    const feed = await atom('/feed.atom?country=FI&kind=POLICY_CHANGE');
    const closure = feed.items.find((item) => item.content?.includes('In force from 2022-09-30'));
    expect(closure?.title).toMatch(/^Finland: /);
    expect(closure?.content).toContain('Sources:');
  });

  it('quotes figures no more precisely than their sources, and statements with who said them', async () => {
    const kazakhstan = await atom('/feed.atom?country=KZ&kind=EVENT,STATEMENT');
    const summaries = kazakhstan.items.map((item) => item.description ?? '');
    expect(summaries).toEqual(expect.arrayContaining([expect.stringContaining('Figure: about 98000 Russian citizens')]));
    const tokayev = kazakhstan.items.find((item) => item.title?.startsWith('Kazakhstan: Kassym-Jomart Tokayev: “'));
    expect(tokayev?.description).toMatch(/^Kassym-Jomart Tokayev, President of Kazakhstan: “/);
    expect(tokayev?.content).toContain('Said on 2022-09-27.');
  });

  it('links every item to a node query whose answer is the record the item is about', async () => {
    const feed = await atom('/feed.atom?country=FI&first=3');
    expect(feed.items).toHaveLength(3);
    const { feed: graphql } = await gqlData(
      server.url,
      'query ($filter: FeedFilter) { feed(first: 3, filter: $filter) { edges { node { ... on PolicyChange { policy { id } } ... on Statement { id } ... on Event { id } ... on Retraction { target { ... on Node { id } } } } } } }',
      { filter: { countryCodes: ['FI'] } },
    );
    const expectedIds = graphql.edges.map((edge: any) => edge.node.policy?.id ?? edge.node.id ?? edge.node.target.id);
    const json = JSON.parse((await get('/feed.json?country=FI&first=3')).body) as { items: Array<{ url: string }> };
    for (const [index, item] of feed.items.entries()) {
      const link = new URL(item.url!);
      expect(`${link.origin}${link.pathname}`).toBe(server.url);
      // The JSON Feed links its item to the same query.
      expect(json.items[index]!.url).toBe(item.url);
      const { node } = await gqlData(server.url, link.searchParams.get('query')!, JSON.parse(link.searchParams.get('variables')!));
      expect(node.id).toBe(expectedIds[index]);
      expect(item.title).toContain(node.title ?? node.speaker);
    }
  });

  it('keeps the ids of older items when a new one arrives, which comes first', async () => {
    const before = await atom('/feed.atom?country=FI');
    const written = await recordPolicyChange(server.url, await editorHeaders(server.app), { countryCode: 'FI', title: 'Rule <b>"quoted"</b> & escaped' });
    const after = await atom('/feed.atom?country=FI');
    expect(after.items[0]!.id).toBe(`urn:borderwatch:feed:${written.data.recordPolicyChange.cursor}`);
    expect(after.items[0]!.title).toBe('Finland: Rule <b>"quoted"</b> & escaped');
    expect(after.items.slice(1).map((item) => item.id)).toEqual(before.items.slice(0, after.items.length - 1).map((item) => item.id));
  });
});

describe('GET /feed.json', () => {
  it('is JSON Feed 1.1 with the same items: id = feed cursor, title, dates, summary, HTML with sources', async () => {
    const response = await get('/feed.json?country=FI&first=5');
    expect(response.status).toBe(200);
    expect(response.type).toBe('application/feed+json; charset=utf-8');
    const feed = JSON.parse(response.body);
    expect(feed).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', title: 'Borderwatch Finland', feed_url: `${origin}/feed.json?country=FI&first=5` });
    const edges = await graphqlFeed({ countryCodes: ['FI'] }, 5);
    expect(feed.items.map((item: any) => item.id)).toEqual(edges.map((edge) => edge.cursor));
    for (const item of feed.items) {
      expect(item).toEqual(
        expect.objectContaining({ id: expect.any(String), title: expect.stringContaining('Finland'), summary: expect.any(String), content_html: expect.any(String) }),
      );
      expect(item.date_published).toBe(edges.find((edge) => edge.cursor === item.id).committedAt);
      expect(item._borderwatch.sources.length).toBeGreaterThan(0);
      expect(item._borderwatch.sources[0]).toEqual({ url: expect.any(String), title: expect.any(String), publisher: expect.anything() });
    }
  });
});

describe('the feeds\' filters', () => {
  it.each([
    ['country=FI,EE', 'country=FI&country=EE', { countryCodes: ['FI', 'EE'] }],
    ['kind=STATEMENT', 'kind=STATEMENT', { kinds: ['STATEMENT'] }],
    ['kind=EVENT,STATEMENT&country=KZ', 'kind=EVENT&kind=STATEMENT&country=KZ', { kinds: ['EVENT', 'STATEMENT'], countryCodes: ['KZ'] }],
    ['nationality=RU&first=10', 'nationality=RU&first=10', { nationality: 'RU' }],
  ])('?%s (or ?%s) lists what the GraphQL feed lists for the same filter', async (commaSeparated, repeated, filter) => {
    const first = /first=(\d+)/.exec(commaSeparated)?.[1];
    const expected = (await graphqlFeed(filter, first ? Number(first) : 50)).map((edge) => `urn:borderwatch:feed:${edge.cursor}`);
    expect(expected.length).toBeGreaterThan(0);
    for (const query of [commaSeparated, repeated]) {
      expect((await atom(`/feed.atom?${query}`)).items.map((item) => item.id)).toEqual(expected);
    }
  });

  it('gives the newest 50 items by default, and a valid empty feed when nothing matches', async () => {
    expect((await atom('/feed.atom')).items.length).toBe(Math.min(50, (await graphqlFeed(null, 100)).length));
    expect((await atom('/feed.atom?country=AQ')).items).toEqual([]);
  });

  it('may be cached for a short time by anyone', async () => {
    expect((await get('/feed.atom?country=FI')).cache).toBe('public, max-age=30');
    expect((await get('/feed.json')).cache).toBe('public, max-age=30');
  });

  it.each([
    ['country=XX', 'country', 'unknown country code "XX"'],
    ['country=fi', 'country', 'two capital letters'],
    ['country=FI,', 'country', 'empty'],
    ['kind=NEWS', 'kind', '"NEWS" is not one of POLICY_CHANGE, STATEMENT, EVENT, RETRACTION, POLICY_IN_FORCE'],
    ['nationality=XX', 'nationality', 'unknown country code'],
    ['nationality=RU&nationality=BY', 'nationality', 'once'],
    ['first=101', 'first', 'between 0 and 100'],
    ['first=ten', 'first', 'whole number'],
    ['countries=FI', 'countries', 'unknown parameter'],
  ])('refuses ?%s with 400 and a problem naming %s', async (query, parameter, reason) => {
    for (const path of ['/feed.atom', '/feed.json']) {
      const response = await get(`${path}?${query}`);
      expect(response.status).toBe(400);
      expect(response.type).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(response.body);
      expect(problem).toMatchObject({ status: 400, title: 'Bad Request', parameter });
      expect(problem.reason).toContain(reason);
    }
  });
});
