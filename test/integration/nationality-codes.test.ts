import { errorCode, gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { policyInput, RECORD_POLICY_CHANGE } from '../helpers/writes';

/**
 * Every field that takes a nationality refuses an unknown code with BAD_USER_INPUT naming the
 * argument (issue 13): a well-formed code of no country ("QQ") and a malformed one ("ru", "RUS",
 * "") alike, each with its reason. Nothing is ever silently ignored or answered as empty.
 */
let server: TestServer;
let headers: Record<string, string>;
const clients: Array<{ dispose(): void | Promise<void> }> = [];

beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
  headers = await editorHeaders(server.app);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
afterAll(() => server.stop());

/** A code, and what the refusal's reason must say. */
const CODES: Array<[string, string]> = [
  ['QQ', 'unknown country code "QQ"'],
  ['ru', 'two capital letters'],
  ['RUS', 'two capital letters'],
  ['', 'two capital letters'],
];

/** Operations over HTTP with the code as `$c`, and the field the refusal names. */
const QUERIES: Array<[string, string, string]> = [
  ['Query.nationality', 'query ($c: ID!) { nationality(code: $c) { code } }', 'code'],
  ['Country.currentPolicies', 'query ($c: String!) { country(code: "FI") { currentPolicies(nationality: $c) { id } } }', 'nationality'],
  ['Country.policiesAt', 'query ($c: String!) { country(code: "FI") { policiesAt(date: "2022-10-01", nationality: $c) { id } } }', 'nationality'],
  ['Country.policyHistory', 'query ($c: String!) { country(code: "FI") { policyHistory(nationality: $c) { totalCount } } }', 'nationality'],
  ['Query.countries, with a policy condition', 'query ($c: String) { countries(filter: { nationality: $c, category: VISA }) { totalCount } }', 'filter.nationality'],
  ['Query.countries, without one', 'query ($c: String) { countries(filter: { nationality: $c }) { totalCount } }', 'filter.nationality'],
  ['Query.policies', 'query ($c: String) { policies(filter: { nationality: $c }) { totalCount } }', 'filter.nationality'],
  ['Query.feed', 'query ($c: String) { feed(filter: { nationality: $c }) { edges { cursor } } }', 'filter.nationality'],
];

describe.each(CODES)('the nationality %j', (code, reason) => {
  it.each(QUERIES)('is refused by %s with BAD_USER_INPUT naming the argument', async (_name, query, field) => {
    const refused = await gql(server.url, query, { c: code });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field });
    expect(refused.errors?.[0]?.message).toContain(reason);
  });

  it('is refused by Mutation.recordPolicyChange, naming input.nationality, and nothing is written', async () => {
    const before = await server.app.db.prisma.policy.count();
    const refused = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ nationality: code }) }, headers);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field: 'input.nationality' });
    expect(refused.errors?.[0]?.message).toContain(reason);
    expect(await server.app.db.prisma.policy.count()).toBe(before);
  });

  it.each([
    ['Subscription.feed', 'subscription ($c: String) { feed(filter: { nationality: $c }) { cursor } }'],
    ['Subscription.policyChanged', 'subscription ($c: String) { policyChanged(filter: { nationality: $c }) { cursor } }'],
  ])('is refused by %s, naming filter.nationality', async (_name, query) => {
    const client = wsClient(server.app.wsUrl);
    clients.push(client);
    const sub = new TestSubscription(client, query, { c: code });
    await sub.waitForEnd();
    const error = (sub.results[0]?.errors ?? (sub.error as any))?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.nationality' });
    expect(error?.message).toContain(reason);
  });

  it.each(['/feed.atom', '/feed.json'])('is refused by %s?nationality= with 400 naming the parameter', async (path) => {
    const response = await fetch(`${server.url.replace(/\/graphql$/, '')}${path}?nationality=${encodeURIComponent(code)}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, parameter: 'nationality', reason: expect.stringContaining(reason) });
  });
});
