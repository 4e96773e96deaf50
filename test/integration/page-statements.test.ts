import { gqlData } from '../helpers/graphql';
import { addEvent, addStatement, recordPolicy, source } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';

/**
 * Issue 12, reads: a page of any connection is one SQL statement that returns its records, the records
 * they point to and their sources; the Atom and JSON feeds read a page the same way, once. And what the
 * page's own statement returns is what the per-record loaders (the path every page took before, still
 * taken by `nodes(ids:)`) return for the same records, on the seed plus a few writes of every kind.
 */
let server: TestServer;

beforeAll(async () => {
  // The relay's poll and the in-force scheduler would add their own statements to the counts.
  server = await startTestServer({ env: { FEED_POLL_MS: '3600000', PAGE_SIZE_MAX: '250' } });
  const two = () => [source('page'), source('page')];
  const first = await recordPolicy(server, { countryCode: 'FI', status: 'OPEN', effectiveFrom: '2025-01-01', sources: two() });
  await recordPolicy(server, { countryCode: 'FI', status: 'RESTRICTED', effectiveFrom: '2025-06-01', sources: two() });
  await addStatement(server, { speaker: 'Minister of FI', countryCode: 'FI', saidAt: '2022-04-01T10:00:00Z', sources: two() });
  const event = await addEvent(server, { title: 'Crossing FI', occurredOn: '2022-04-02', countryCode: 'FI', countryCodes: ['EE'], sources: two() });
  const retracted = await addStatement(server, { speaker: 'Retracted speaker', countryCode: 'EE', saidAt: '2022-05-01T10:00:00Z', sources: two() });
  const headers = await editorHeaders(server.app);
  for (const [id, reason] of [
    [retracted.statement.id, 'misquoted'],
    [event.event.id, 'did not happen'],
  ] as const) {
    await gqlData(server.url, 'mutation ($id: ID!, $reason: String!) { retract(id: $id, reason: $reason) { reason } }', { id, reason }, headers);
  }
  expect(first.policy.id).toBeTruthy();
}, 120_000);
afterAll(() => server.stop());

async function measure(query: string, variables: Record<string, unknown> = {}): Promise<{ statements: number; data: any }> {
  const before = server.app.db.queryCount;
  const data = await gqlData(server.url, query, variables);
  return { statements: server.app.db.queryCount - before, data };
}

const SOURCES = 'sources { id url title publisher publishedAt retrievedAt }';
const POLICY = `__typename id title status effectiveFrom ${SOURCES}`;
const STATEMENT = `__typename id speaker text ${SOURCES}`;
const EVENT = `__typename id title occurredOn ${SOURCES}`;
const RECORD = `... on Policy { ${POLICY} } ... on Statement { ${STATEMENT} } ... on Event { ${EVENT} }`;

interface PageCase {
  name: string;
  query: string;
  /** The records of the answer, each with __typename, id and sources. */
  records: (data: any) => any[];
}

const edges = (connection: any) => connection.edges.map((edge: any) => edge.node);

const PAGES: PageCase[] = [
  {
    name: 'feed',
    query: `{ feed(first: 100) { edges { cursor node { __typename
      ... on PolicyChange { policy { ${POLICY} } previous { ${POLICY} } }
      ... on PolicyInForce { policy { ${POLICY} } previous { ${POLICY} } }
      ... on Statement { ${STATEMENT} } ... on Event { ${EVENT} }
      ... on Retraction { reason target { ${RECORD} } } } } } }`,
    records: (d) =>
      edges(d.feed).flatMap((node: any) =>
        node.__typename === 'PolicyChange' || node.__typename === 'PolicyInForce' ? [node.policy, node.previous].filter(Boolean) : node.__typename === 'Retraction' ? [node.target] : [node],
      ),
  },
  { name: 'policies', query: `{ policies(first: 100) { edges { cursor node { ${POLICY} } } } }`, records: (d) => edges(d.policies) },
  { name: 'statements', query: `{ statements(first: 100) { edges { cursor node { ${STATEMENT} } } } }`, records: (d) => edges(d.statements) },
  { name: 'events', query: `{ events(first: 100) { edges { cursor node { ${EVENT} } } } }`, records: (d) => edges(d.events) },
  {
    name: 'policy history',
    query: `{ country(code: "FI") { policyHistory(first: 100) { edges { cursor node { ${POLICY} } } } } }`,
    records: (d) => edges(d.country.policyHistory),
  },
  {
    name: 'a country\'s statements and events',
    query: `{ countries(first: 50, filter: { region: "Europe" }) { edges { node { code statements(first: 5) { edges { node { ${STATEMENT} } } } } } } }`,
    records: (d) => edges(d.countries).flatMap((country: any) => edges(country.statements)),
  },
  {
    name: 'the events of every country',
    query: `{ countries(first: 50, filter: { region: "Europe" }) { edges { node { code events(first: 5) { edges { node { ${EVENT} } } } } } } }`,
    records: (d) => edges(d.countries).flatMap((country: any) => edges(country.events)),
  },
  {
    name: 'countries with their policies in force',
    query: `{ countries(first: 50, filter: { region: "Europe" }) { edges { node { code currentPolicies { ${POLICY} } } } } }`,
    records: (d) => edges(d.countries).flatMap((country: any) => country.currentPolicies),
  },
  {
    name: 'a country\'s policies on a day and its history',
    query: `{ country(code: "FI") { policiesAt(date: "2025-07-01") { ${POLICY} } policyHistory(first: 50) { edges { node { ${POLICY} } } } } }`,
    records: (d) => [...d.country.policiesAt, ...edges(d.country.policyHistory)],
  },
];

describe('a page of any connection is one SQL statement, sources included', () => {
  it.each(PAGES)('$name', async ({ query, records }) => {
    const { statements, data } = await measure(query);
    const found = records(data);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((record) => record.sources.length > 0)).toBe(true);
    expect(statements).toBe(1);
  });

  it('the benchmark documents of scenarios 1-3 are one statement each', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DOCUMENTS } = require('../bench/documents') as typeof import('../bench/documents');
    for (const [scenario, variables] of [
      ['feed', {}],
      ['countries', {}],
      ['history', { code: 'FI', date: '2025-07-01' }],
    ] as const) {
      const { statements } = await measure(DOCUMENTS.borderwatch[scenario], variables);
      expect({ scenario, statements }).toEqual({ scenario, statements: 1 });
    }
  });

  it('the page\'s records and sources are those the per-record loaders give', async () => {
    for (const { name, query, records } of PAGES) {
      const fromPage = records((await measure(query)).data);
      const ids = [...new Set(fromPage.map((record) => record.id as string))];
      const byId = new Map<string, unknown>();
      for (let start = 0; start < ids.length; start += 250) {
        const { data } = await measure(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${RECORD} } }`, { ids: ids.slice(start, start + 250) });
        for (const node of data.nodes) byId.set(node.id, node);
      }
      for (const record of fromPage) expect({ page: name, record }).toEqual({ page: name, record: byId.get(record.id) });
    }
  });

  it('a page that selects no sources is one statement too', async () => {
    const { statements, data } = await measure(`{ feed(first: 20) { edges { node { ... on Statement { id speaker } } } } }`);
    expect(data.feed.edges.length).toBe(20);
    expect(statements).toBe(1);
  });
});

describe('the Atom and JSON feeds read a page once', () => {
  it.each(['/feed.atom', '/feed.json', '/feed.atom?first=100', '/feed.json?country=FI,EE&kind=STATEMENT,RETRACTION'])('%s: one statement', async (path) => {
    const before = server.app.db.queryCount;
    const response = await fetch(`${new URL(server.url).origin}${path}`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body.length).toBeGreaterThan(0);
    expect(server.app.db.queryCount - before).toBe(1);
  });

  it('retractions name their targets, and items cite their records\' sources', async () => {
    const response = await fetch(`${new URL(server.url).origin}/feed.json?first=20`);
    const feed = (await response.json()) as { items: Array<{ title: string; _borderwatch: { kind: string; sources: Array<{ url: string }> } }> };
    const titles = feed.items.map((item) => item.title);
    expect(titles).toEqual(expect.arrayContaining([expect.stringContaining('Retracted: words of Retracted speaker'), expect.stringContaining('Retracted: Crossing FI')]));
    const statement = feed.items.find((item) => item._borderwatch.kind === 'STATEMENT' && item.title.includes('Minister of FI'))!;
    expect(statement._borderwatch.sources).toHaveLength(2);
  });
});
