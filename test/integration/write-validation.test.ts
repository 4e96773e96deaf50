import { errorCode, gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

let server: TestServer;
let headers: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
  headers = await editorHeaders(server.app);
});
afterAll(() => server.stop());

async function counts() {
  const { prisma } = server.app.db;
  const [policies, statements, events, feed, sources] = await Promise.all([
    prisma.policy.count(),
    prisma.statement.count(),
    prisma.event.count(),
    prisma.feedEntry.count(),
    prisma.source.count(),
  ]);
  return { policies, statements, events, feed, sources };
}

const longText = 'x'.repeat(301);

describe('recordPolicyChange refuses bad input, naming the field, and writes nothing', () => {
  it.each([
    ['an unknown country code', { countryCode: 'QQ' }, 'input.countryCode', 'unknown country code'],
    ['a country code that is not two capitals', { countryCode: 'fin' }, 'input.countryCode', 'ISO 3166-1 alpha-2'],
    ['an unknown nationality', { nationality: 'ZZ' }, 'input.nationality', 'unknown country code'],
    ['an empty title', { title: '   ' }, 'input.title', 'must not be empty'],
    ['an oversized title', { title: 'x'.repeat(201) }, 'input.title', 'at most 200'],
    ['no source', { sources: [] }, 'input.sources', 'at least one source'],
    ['a URL that is not http(s)', { sources: [{ url: 'javascript:alert(1)', title: 'T' }] }, 'input.sources.0.url', 'http(s)'],
    ['a relative URL', { sources: [{ url: '/relative', title: 'T' }] }, 'input.sources.0.url', 'http(s)'],
    ['an oversized source title', { sources: [{ url: 'https://example.org', title: longText }] }, 'input.sources.0.title', 'at most 300'],
    ['changedAfter not before effectiveFrom', { effectiveFrom: '2022-09-19', changedAfter: '2022-09-19' }, 'input.changedAfter', 'before effectiveFrom'],
    ['a zero stay', { maxStayDays: 0 }, 'input.maxStayDays', 'at least 1'],
    ['an expectedPreviousId that is not an id', { expectedPreviousId: 'abc' }, 'input.expectedPreviousId', 'policy id'],
  ])('%s', async (_what, overrides, field, reason) => {
    const before = await counts();
    const result = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput(overrides) }, headers);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    expect(result.errors?.[0]?.message).toContain(reason);
    expect(await counts()).toEqual(before);
  });

  it('refuses a version that starts before the current one (dates out of order)', async () => {
    const first = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ countryCode: 'NO', effectiveFrom: '2023-01-10' }) }, headers);
    expect(first.errors).toBeUndefined();
    const before = await counts();
    const result = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ countryCode: 'NO', effectiveFrom: '2023-01-09' }) }, headers);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.effectiveFrom');
    expect(result.errors?.[0]?.message).toContain('2023-01-10');
    expect(await counts()).toEqual(before);
  });

  it('refuses an impossible calendar date at the GraphQL layer', async () => {
    const result = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ effectiveFrom: '2022-02-30' }) }, headers);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('effectiveFrom');
  });

  it('refuses a missing required field at the GraphQL layer', async () => {
    const { title: _title, ...input } = policyInput();
    const result = await gql(server.url, RECORD_POLICY_CHANGE, { input }, headers);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('title');
  });
});

describe('addStatement and addEvent refuse bad input the same way', () => {
  const ADD_STATEMENT = 'mutation ($input: AddStatementInput!) { addStatement(input: $input) { id } }';
  const ADD_EVENT = 'mutation ($input: AddEventInput!) { addEvent(input: $input) { id } }';
  const statement = (overrides: Record<string, unknown>) => ({
    speaker: 'A. Minister',
    saidAt: '2022-09-23T19:12:00Z',
    text: 'Words.',
    medium: 'TWEET',
    sources: [{ url: 'https://example.org/s', title: 'S' }],
    ...overrides,
  });
  const event = (overrides: Record<string, unknown>) => ({
    title: 'Something happened',
    kind: 'BORDER',
    occurredOn: '2022-09-19',
    sources: [{ url: 'https://example.org/e', title: 'E' }],
    ...overrides,
  });

  it.each([
    ['empty text', ADD_STATEMENT, statement({ text: '' }), 'input.text'],
    ['oversized text', ADD_STATEMENT, statement({ text: 'x'.repeat(10_001) }), 'input.text'],
    ['an unknown country', ADD_STATEMENT, statement({ countryCode: 'QQ' }), 'input.countryCode'],
    ['a bad language tag', ADD_STATEMENT, statement({ language: 'English!' }), 'input.language'],
    ['a reply to nothing', ADD_STATEMENT, statement({ replyToId: '00000000-0000-4000-8000-000000000000' }), 'input.replyToId'],
    ['a related policy that does not exist', ADD_STATEMENT, statement({ relatedPolicyIds: ['00000000-0000-4000-8000-000000000000'] }), 'input.relatedPolicyIds.0'],
    ['no source', ADD_STATEMENT, statement({ sources: [] }), 'input.sources'],
    ['an empty event title', ADD_EVENT, event({ title: '' }), 'input.title'],
    ['an unknown involved country', ADD_EVENT, event({ countryCodes: ['FI', 'QQ'] }), 'input.countryCodes.1'],
    ['a figure without a unit', ADD_EVENT, event({ figure: { value: 3, unit: ' ' } }), 'input.figure.unit'],
    ['a non-http source', ADD_EVENT, event({ sources: [{ url: 'ftp://example.org/x', title: 'X' }] }), 'input.sources.0.url'],
  ])('%s', async (_what, mutation, input, field) => {
    const before = await counts();
    const result = await gql(server.url, mutation, { input }, headers);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    expect(await counts()).toEqual(before);
  });

  it('records a valid statement and event, each with its feed item', async () => {
    const before = await counts();
    const s = await gql(server.url, ADD_STATEMENT, { input: statement({ countryCode: 'LT' }) }, headers);
    const e = await gql(server.url, ADD_EVENT, { input: event({ countryCode: 'LT', countryCodes: ['RU'], figure: { value: 11, unit: 'people', qualifier: 'EXACTLY' } }) }, headers);
    expect(s.errors).toBeUndefined();
    expect(e.errors).toBeUndefined();
    const after = await counts();
    expect(after).toMatchObject({ statements: before.statements + 1, events: before.events + 1, feed: before.feed + 2 });
    const entries = await server.app.db.prisma.feedEntry.findMany({ orderBy: { seq: 'desc' }, take: 2 });
    expect(entries.map((x) => x.kind)).toEqual(['EVENT', 'STATEMENT']);
    expect(entries[0]!.countryCodes).toEqual(['LT', 'RU']);
  });
});
