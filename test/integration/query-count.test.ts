import { gqlData } from '../helpers/graphql';
import { addEvent, addStatement, recordPolicy, source } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The number of SQL statements one GraphQL request sends must not grow with
 * the number of rows it returns: every field asked of many parents is batched
 * (DataLoader) or planned as one statement for all parents. Each case runs a
 * small page and a large page of the same query and compares
 * `app.db.queryCount` (Prisma query events) before and after.
 */
let server: TestServer;
/** Countries with data: the first 60 by name, so that any page of up to 60 countries is full of it. */
let codes: string[];
const LONG_HISTORY = 'AF';

beforeAll(async () => {
  // The feed relay polls PostgreSQL in the background; an hour between polls keeps its statements out of the counts.
  server = await startTestServer({ template: 'bare', env: { PAGE_SIZE_MAX: '250', FEED_POLL_MS: '3600000' } });
  codes = server.app.services.catalog.all().slice(0, 60).map((country) => country.code);
  for (const [index, code] of codes.entries()) {
    const neighbour = codes[(index + 1) % codes.length]!;
    const two = () => [source('count'), source('count')];
    const first = await recordPolicy(server, { countryCode: code, status: 'OPEN', effectiveFrom: '2022-01-01', sources: two() });
    await recordPolicy(server, { countryCode: code, category: 'VISA', status: 'CONDITIONAL', effectiveFrom: '2022-03-01' });
    const said = await addStatement(server, { speaker: `Minister of ${code}`, countryCode: code, saidAt: '2022-04-01T10:00:00Z', sources: two() });
    await addEvent(server, { title: `Crossing ${code}`, occurredOn: '2022-04-02', countryCode: code, countryCodes: [neighbour], sources: two() });
    await recordPolicy(server, { countryCode: code, status: 'RESTRICTED', effectiveFrom: '2022-06-01' });
    await server.app.services.statementWrites.add({
      speaker: `Minister of ${neighbour}`,
      countryCode: neighbour,
      saidAt: '2022-06-02T10:00:00Z',
      text: `A reply to ${code}`,
      medium: 'INTERVIEW',
      replyToId: said.statement.id,
      relatedPolicyIds: [first.policy.id],
      sources: two(),
    });
    await addEvent(server, { title: `Talks ${code}`, kind: 'DIPLOMACY', occurredOn: '2022-06-03', countryCodes: [code, neighbour] });
  }
  // A long history for one country: 120 more versions of its ENTRY policy.
  for (let day = 0; day < 120; day += 1) {
    const effectiveFrom = new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10);
    await recordPolicy(server, { countryCode: LONG_HISTORY, status: day % 2 ? 'OPEN' : 'CLOSED', effectiveFrom });
  }
  // The newest three feed entries: one of each kind, so that even a page of three has every kind.
  await recordPolicy(server, { countryCode: codes[1]!, category: 'WORK', effectiveFrom: '2024-01-01' });
  await addStatement(server, { speaker: 'Last speaker', countryCode: codes[1]!, saidAt: '2024-01-02T00:00:00Z' });
  await addEvent(server, { title: 'Last event', occurredOn: '2024-01-03', countryCode: codes[1]!, countryCodes: [codes[2]!] });
}, 120_000);
afterAll(() => server.stop());

async function measure(query: string, variables: Record<string, unknown>): Promise<{ statements: number; data: any }> {
  const before = server.app.db.queryCount;
  const data = await gqlData(server.url, query, variables);
  return { statements: server.app.db.queryCount - before, data };
}

interface Case {
  name: string;
  query: string;
  small: Record<string, unknown>;
  large: Record<string, unknown>;
  /** The statements one request sends, whatever the page size. */
  bound: number;
  /** How many items the large page returned, to prove it was large. */
  size: (data: any) => number;
}

const count = (edges: any[]) => edges.length;

const CASES: Case[] = [
  {
    name: 'countries with their current policies',
    query: `query ($first: Int) { countries(first: $first) { totalCount edges { node { code name currentPolicies { status } } } } }`,
    small: { first: 2 },
    large: { first: 250 },
    // One statement for the policies in force; the countries themselves are held in memory.
    bound: 1,
    size: (d) => d.countries.edges.filter((e: any) => e.node.currentPolicies.length > 0).length,
  },
  {
    name: 'the feed with policies, previous versions, countries and sources',
    query: `query ($first: Int) { feed(first: $first) { edges { node {
      ... on PolicyChange { policy { country { name } sources { url } } previous { title } }
      ... on Statement { sources { url } }
      ... on Event { countries { code } sources { url } } } } } }`,
    small: { first: 3 },
    large: { first: 50 },
    // Entries; policies, statements, events by id; event countries; sources of the three kinds (link + source rows each).
    bound: 11,
    size: (d) => count(d.feed.edges),
  },
  {
    name: 'a country\'s policy history with previous versions and sources',
    query: `query ($first: Int) { country(code: "${LONG_HISTORY}") { policyHistory(first: $first) { totalCount edges { node { previous { title } sources { url } } } } } }`,
    small: { first: 1 },
    large: { first: 100 },
    // Page, count, previous versions, sources (2).
    bound: 5,
    size: (d) => count(d.country.policyHistory.edges),
  },
  {
    name: 'countries with their statements, events and policy history',
    query: `query ($first: Int) { countries(first: $first) { edges { node {
      statements(first: 5) { totalCount edges { node { sources { url } } } }
      events(first: 5) { totalCount }
      policyHistory(first: 3) { totalCount } } } } }`,
    small: { first: 2 },
    large: { first: 50 },
    // Statements page and count, their sources (2), events page and count, history page and count.
    bound: 8,
    size: (d) => d.countries.edges.reduce((sum: number, e: any) => sum + e.node.statements.edges.length, 0),
  },
  {
    name: 'statements with country, reply, related policies and sources',
    // Only the replies, so that a page of one has every field to load, as a large page does.
    query: `query ($first: Int) { statements(first: $first, filter: { search: "A reply to" }) { totalCount edges { node {
      country { name } replyTo { speaker sources { url } } relatedPolicies { title sources { url } } sources { url } } } } }`,
    small: { first: 1 },
    large: { first: 100 },
    // Page, count; statements replied to, related policy ids; sources (2); related policies; their sources (2),
    // the replied-to statements' sources (2): one batch per level of the query, not per row.
    bound: 11,
    size: (d) => count(d.statements.edges),
  },
  {
    name: 'events with place, countries, figure and sources',
    query: `query ($first: Int) { events(first: $first) { totalCount edges { node { country { name } countries { name } figure { value } sources { url } } } } }`,
    small: { first: 1 },
    large: { first: 100 },
    bound: 5,
    size: (d) => count(d.events.edges),
  },
  {
    name: 'policies with country, previous version and sources',
    // One long history, so that every version on either page has a previous version with a previous version.
    query: `query ($first: Int) { policies(first: $first, filter: { countryCodes: ["${LONG_HISTORY}"], categories: [ENTRY] }) {
      totalCount edges { node { country { name } previous { title previous { title } } sources { url } } } } }`,
    small: { first: 1 },
    large: { first: 100 },
    // Page, count, previous versions, their previous versions, sources (2).
    bound: 6,
    size: (d) => count(d.policies.edges),
  },
  {
    name: 'countries with policies in force on a day and today',
    query: `query ($first: Int) { countries(first: $first) { edges { node { then: policiesAt(date: "2022-02-01") { status sources { url } } now: currentPolicies(category: ENTRY) { status } } } } }`,
    small: { first: 2 },
    large: { first: 100 },
    // One statement per distinct set of arguments, then sources (2).
    bound: 4,
    size: (d) => d.countries.edges.filter((e: any) => e.node.then.length > 0).length,
  },
];

describe('SQL statements per request', () => {
  it.each(CASES)('$name: the same for a small and a large page, at most $bound', async ({ query, small, large, bound, size }) => {
    const few = await measure(query, small);
    const many = await measure(query, large);
    expect(size(many.data)).toBeGreaterThanOrEqual(40);
    expect(size(many.data)).toBeGreaterThan(size(few.data));
    expect(many.statements).toBe(few.statements);
    expect(many.statements).toBeLessThanOrEqual(bound);
  });

  it('sends no count statement unless totalCount is asked for', async () => {
    const query = (total: string) => `{ countries(first: 50) { edges { node { statements(first: 5) { ${total} edges { cursor } } } } } }`;
    const without = await measure(query(''), {});
    const withTotal = await measure(query('totalCount'), {});
    expect(withTotal.statements).toBe(without.statements + 1);
  });

  it('batches the same field asked of many countries with different arguments into one statement per argument set', async () => {
    const { statements } = await measure(
      `{ countries(first: 100) { edges { node { a: policiesAt(date: "2022-02-01") { id } b: policiesAt(date: "2022-07-01") { id } c: currentPolicies { id } } } } }`,
      {},
    );
    expect(statements).toBe(3);
  });
});

describe('SQL statements per request of the benchmark documents (npm run bench, scenarios 1-3)', () => {
  // The documents themselves, from test/bench/documents.ts: the guard follows them if they change.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DOCUMENTS } = require('../bench/documents') as typeof import('../bench/documents');

  it.each([
    // Page; policies (new and previous versions), statements and events by id; sources of each kind.
    { scenario: 'feed' as const, variables: {}, bound: 7, size: (d: any) => d.feed.edges.length },
    // The policies in force for every country, in one statement; the countries are in memory.
    { scenario: 'countries' as const, variables: {}, bound: 1, size: (d: any) => d.countries.edges.filter((e: any) => e.node.currentPolicies.length).length },
    // Policies on the day; the history page with its total.
    { scenario: 'history' as const, variables: { code: LONG_HISTORY, date: '2023-02-15' }, bound: 2, size: (d: any) => d.country.policyHistory.edges.length },
  ])('$scenario: at most $bound', async ({ scenario, variables, bound, size }) => {
    const { statements, data } = await measure(DOCUMENTS.borderwatch[scenario], variables);
    expect(size(data)).toBeGreaterThanOrEqual(50);
    expect(statements).toBeLessThanOrEqual(bound);
  });
});
