import { errorCode, gql, gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Every connection of the API, as a query taking $first and $after, and where its result sits. */
const LISTS: Array<{ name: string; query: string; path: string[] }> = [
  { name: 'countries', query: 'countries(first: $first, after: $after) { totalCount }', path: ['countries'] },
  { name: 'policies', query: 'policies(first: $first, after: $after) { totalCount }', path: ['policies'] },
  { name: 'statements', query: 'statements(first: $first, after: $after) { totalCount }', path: ['statements'] },
  { name: 'events', query: 'events(first: $first, after: $after) { totalCount }', path: ['events'] },
  { name: 'feed', query: 'feed(first: $first, after: $after) { totalCount }', path: ['feed'] },
  { name: 'country.policyHistory', query: 'country(code: "FI") { policyHistory(first: $first, after: $after) { totalCount } }', path: ['country', 'policyHistory'] },
  { name: 'country.statements', query: 'country(code: "LT") { statements(first: $first, after: $after) { totalCount } }', path: ['country', 'statements'] },
  { name: 'country.events', query: 'country(code: "KZ") { events(first: $first, after: $after) { totalCount } }', path: ['country', 'events'] },
];

const operation = (body: string) => `query ($first: Int, $after: String) { ${body} }`;

describe('errors', () => {
  it.each(LISTS)('$name refuses a page size above the maximum with BAD_USER_INPUT naming first, the reason and the path', async ({ query, path }) => {
    const result = await gql(server.url, operation(query), { first: server.config.pageSize.max + 1 });
    expect(result.status).toBe(200);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({
      message: `first: must be between 0 and ${server.config.pageSize.max}`,
      path,
      extensions: { code: 'BAD_USER_INPUT', field: 'first', reason: `must be between 0 and ${server.config.pageSize.max}` },
    });
    expect(result.errors![0]!.extensions).not.toHaveProperty('stacktrace');
  });

  it.each(LISTS)('$name refuses a cursor that is not one, naming after', async ({ query, path }) => {
    const result = await gql(server.url, operation(query), { after: 'bm90IGEgY3Vyc29y.0000000000000000' });
    expect(result.errors?.[0]).toMatchObject({ path, extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
  });

  it.each(LISTS)('$name accepts the maximum page size', async ({ query }) => {
    const data = await gqlData(server.url, operation(query), { first: server.config.pageSize.max });
    expect(data).toBeTruthy();
  });

  it('returns null, without an error, for a country code nobody uses', async () => {
    const result = await gql(server.url, '{ country(code: "QQ") { name } zz: country(code: "ZZZ") { name } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ country: null, zz: null });
  });

  it('finds a country whatever the case of its code', async () => {
    expect(await gqlData(server.url, '{ country(code: "fi") { code name } }')).toEqual({ country: { code: 'FI', name: 'Finland' } });
  });

  it('refuses unknown country codes in every filter, naming the list position', async () => {
    for (const list of ['policies', 'statements', 'events', 'feed']) {
      const result = await gql(server.url, `{ ${list}(filter: { countryCodes: ["FI", "XX"] }) { totalCount } }`);
      expect(result.errors?.[0]).toMatchObject({
        path: [list],
        extensions: { code: 'BAD_USER_INPUT', field: 'filter.countryCodes.1', reason: 'unknown country code "XX"' },
      });
    }
  });

  it('refuses an unknown nationality wherever one is taken', async () => {
    const queries = [
      ['{ countries(filter: { status: OPEN, nationality: "QQ" }) { totalCount } }', 'filter.nationality'],
      ['{ policies(filter: { nationality: "QQ" }) { totalCount } }', 'filter.nationality'],
      ['{ feed(filter: { nationality: "QQ" }) { totalCount } }', 'filter.nationality'],
      ['{ country(code: "FI") { currentPolicies(nationality: "QQ") { id } } }', 'nationality'],
      ['{ country(code: "FI") { policiesAt(date: "2022-10-01", nationality: "QQ") { id } } }', 'nationality'],
      ['{ country(code: "FI") { policyHistory(nationality: "QQ") { totalCount } } }', 'nationality'],
    ] as const;
    for (const [query, field] of queries) {
      const result = await gql(server.url, query);
      expect({ query, error: result.errors?.[0]?.extensions }).toMatchObject({ query, error: { code: 'BAD_USER_INPUT', field } });
    }
  });

  it('refuses a date range that ends before it starts', async () => {
    for (const list of ['statements', 'events']) {
      const result = await gql(server.url, `{ ${list}(filter: { from: "2022-10-01", to: "2022-09-30" }) { totalCount } }`);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
    }
  });

  it('refuses a malformed date in a variable with BAD_USER_INPUT, and inline with a validation error', async () => {
    const query = 'query ($date: Date!) { country(code: "FI") { policiesAt(date: $date) { id } } }';
    for (const date of ['2022-02-30', '2022-9-1', '30.09.2022']) {
      const result = await gql(server.url, query, { date });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    }
    const inline = await gql(server.url, '{ country(code: "FI") { policiesAt(date: "2022-13-01") { id } } }');
    expect(inline.status).toBe(400);
    expect(errorCode(inline)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a malformed document with GRAPHQL_PARSE_FAILED and an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
    expect(errorCode(await gql(server.url, '{ countries(first: 1) { totalCount '))).toBe('GRAPHQL_PARSE_FAILED');
    expect(errorCode(await gql(server.url, '{ countries { nope } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
