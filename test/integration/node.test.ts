import { errorCode, gql, gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Relay Global Object Identification: every record type is a Node, and
 * node(id:) / nodes(ids:) fetch any of them again by the id a query gave.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { PAGE_SIZE_MAX: '30', FEED_POLL_MS: '3600000' } });
});
afterAll(() => server.stop());

const REFETCH = `query ($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Country { code name }
    ... on Policy { title previousId previous { id } }
    ... on Statement { speaker }
    ... on Event { title }
    ... on Source { url }
  }
}`;

/** One id of each type, and what the record's own query said about it. */
async function oneOfEach() {
  const data = await gqlData(
    server.url,
    `{
      country(code: "FI") { id code name }
      policies(first: 1, filter: { countryCodes: ["FI"] }) { edges { node { id title previousId sources { id url } } } }
      statements(first: 1) { edges { node { id speaker } } }
      events(first: 1) { edges { node { id title } } }
    }`,
  );
  const policy = data.policies.edges[0].node;
  return {
    Country: { id: data.country.id, code: 'FI', name: data.country.name },
    Policy: { id: policy.id, title: policy.title, previousId: policy.previousId },
    Statement: data.statements.edges[0].node,
    Event: data.events.edges[0].node,
    Source: policy.sources[0],
  };
}

describe('node(id:)', () => {
  it('refetches a record of every type by the id its own query gave', async () => {
    const records = await oneOfEach();
    expect(records.Country.id).toBe('Country:FI');
    for (const [typename, record] of Object.entries(records)) {
      const { node } = await gqlData(server.url, REFETCH, { id: record.id });
      expect(node).toMatchObject({ __typename: typename, ...record });
    }
  });

  it('takes a stored expectedPreviousId-style policy id unchanged, in any letter case', async () => {
    const { Policy } = await oneOfEach();
    const { node } = await gqlData(server.url, REFETCH, { id: Policy.id.toUpperCase() });
    expect(node).toMatchObject({ __typename: 'Policy', id: Policy.id });
  });

  it('answers null for a well-formed id that names nothing', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'Country:QQ']) {
      const result = await gql(server.url, REFETCH, { id });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ node: null });
    }
  });

  it.each(['FI', 'country:FI', 'Country:FIN', 'not-a-uuid', '', "'; DROP TABLE policy; --"])('refuses the malformed id %j with BAD_USER_INPUT naming id', async (id) => {
    const result = await gql(server.url, REFETCH, { id });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'id' });
  });
});

describe('nodes(ids:)', () => {
  it('answers in the order asked, null where an id names nothing, with one statement per record table', async () => {
    const records = await oneOfEach();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const ids = [records.Event.id, unknown, records.Country.id, records.Policy.id, records.Source.id, records.Statement.id, records.Policy.id];
    const before = server.app.db.queryCount;
    const { nodes } = await gqlData(server.url, 'query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', { ids });
    // Policies, statements, events and sources by id: the four loaders, each called once for every id.
    expect(server.app.db.queryCount - before).toBe(4);
    expect(nodes).toEqual([
      { __typename: 'Event', id: records.Event.id },
      null,
      { __typename: 'Country', id: 'Country:FI' },
      { __typename: 'Policy', id: records.Policy.id },
      { __typename: 'Source', id: records.Source.id },
      { __typename: 'Statement', id: records.Statement.id },
      { __typename: 'Policy', id: records.Policy.id },
    ]);
  });

  it('is bounded like a page: more ids than PAGE_SIZE_MAX is BAD_USER_INPUT naming ids', async () => {
    const ids = Array.from({ length: 31 }, (_, index) => `Country:${String.fromCharCode(65 + (index % 26))}${String.fromCharCode(65 + Math.floor(index / 26))}`);
    const result = await gql(server.url, 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'ids' });
    const fits = await gqlData(server.url, 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids.slice(0, 30) });
    expect(fits.nodes).toHaveLength(30);
  });

  it('prices what it selects by the number of ids, as a page by its size (QUERY_TOO_COMPLEX)', async () => {
    const page = (field: string, extra = '') => `${field}(first: 30) { edges { node { sources { url } ${extra} } } }`;
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Country { ${page('policyHistory', 'previous { sources { url } }')} ${page('statements')} ${page('events')} } } }`;
    const codes = server.app.services.catalog.all().slice(0, 30).map((country) => `Country:${country.code}`);
    // About 930 per country: 2 are answered; 30 are past MAX_QUERY_COST (20000), though a plain list would be priced at 5.
    expect((await gql(server.url, query, { ids: codes.slice(0, 2) })).errors).toBeUndefined();
    expect(errorCode(await gql(server.url, query, { ids: codes }))).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses the whole list for one malformed id, naming its position', async () => {
    const result = await gql(server.url, 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['Country:FI', 'nope'] });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'ids.1' });
  });
});
