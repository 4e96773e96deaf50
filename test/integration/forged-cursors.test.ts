import { CursorCodec, type CursorValue } from '../../src/common/cursor';
import { gql } from '../helpers/graphql';
import { capturingLogger } from '../helpers/log-capture';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSubscription, wsClient } from '../helpers/ws-client';

/**
 * Issue 11, item 11: a cursor signed with the server's secret but holding a
 * position PostgreSQL cannot read (an id that is no uuid, a date out of range,
 * a sequence past bigint) is BAD_USER_INPUT on `after`, for every field that
 * takes a cursor, and no error is logged. The secret is the test's own, so
 * these cursors are forged the way someone who learnt it would.
 */
const SECRET = 'forged-cursors-test-secret';
const codec = new CursorCodec(SECRET);
const logs = capturingLogger('info');
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { CURSOR_SECRET: SECRET, RESPONSE_CACHE_MB: '0' }, logger: logs.logger });
});
afterAll(() => server.stop());

const DAY = '2022-09-19T00:00:00.000Z';
const TIME = '2022-09-20T08:30:00.000Z';
const ID = '2f1c6bba-8f63-4f55-9d6a-3a3f1c0e2b11';

/** Positions of each list's cursors that must all be refused. */
const FORGED: Record<string, CursorValue[][]> = {
  policies: [
    [DAY, TIME, 'not-a-uuid'],
    ['+275760-09-13T00:00:00.000Z', TIME, ID],
    ['0000-01-01T00:00:00.000Z', TIME, ID],
    ['2022-02-30T00:00:00.000Z', TIME, ID],
    ['2022-09-19T10:00:00.000Z', TIME, ID],
    [DAY, '2022-09-20', ID],
    [DAY, TIME, 42],
  ],
  statements: [[TIME, 'not-a-uuid'], [TIME, `${ID}'--`], ['99999-01-01T00:00:00.000Z', ID], ['yesterday', ID], [TIME]],
  events: [[DAY, 'x'], ['-000001-01-01T00:00:00.000Z', ID], [DAY, ID, 'extra']],
  feed: [['9223372036854775808'], ['99999999999999999999999'], ['-1'], ['1e3'], [12], ['']],
  countries: [[1, 'FI'], ['Finland']],
};
FORGED.policyHistory = FORGED.policies!;

const FIELDS: Array<{ name: string; list: string; query: string }> = [
  { name: 'countries', list: 'countries', query: 'query ($after: String) { countries(first: 2, after: $after) { edges { cursor } } }' },
  { name: 'policies', list: 'policies', query: 'query ($after: String) { policies(first: 2, after: $after) { edges { cursor } } }' },
  { name: 'policyHistory', list: 'policyHistory', query: 'query ($after: String) { country(code: "FI") { policyHistory(first: 2, after: $after) { edges { cursor } } } }' },
  { name: 'statements', list: 'statements', query: 'query ($after: String) { statements(first: 2, after: $after) { edges { cursor } } }' },
  { name: 'Country.statements', list: 'statements', query: 'query ($after: String) { country(code: "KZ") { statements(first: 2, after: $after) { edges { cursor } } } }' },
  { name: 'events', list: 'events', query: 'query ($after: String) { events(first: 2, after: $after) { edges { cursor } } }' },
  { name: 'Country.events', list: 'events', query: 'query ($after: String) { country(code: "KZ") { events(first: 2, after: $after) { edges { cursor } } } }' },
  { name: 'feed', list: 'feed', query: 'query ($after: String) { feed(first: 2, after: $after) { edges { cursor } } }' },
];

let seen = 0;
beforeEach(() => {
  seen = logs.lines().length;
});
/** Error-level lines this test caused. */
const errorsLogged = () => logs.lines().slice(seen).filter((line) => line.level >= 50);

describe.each(FIELDS)('$name(after:)', ({ list, query }) => {
  it.each(FORGED[list]!.map((position) => [JSON.stringify(position), position] as const))('refuses %s with BAD_USER_INPUT on after, logging no error', async (_, position) => {
    const result = await gql(server.url, query, { after: codec.encode(list, position) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(errorsLogged()).toEqual([]);
  });
});

describe('a forged cursor that is well formed', () => {
  it('is answered as a position: the page after it', async () => {
    const policies = FIELDS.find((field) => field.name === 'policies')!;
    const result = await gql(server.url, policies.query, { after: codec.encode('policies', [DAY, TIME, ID]) });
    expect(result.errors).toBeUndefined();
  });
});

describe.each(['feed', 'policyChanged'])('subscription %s(after:)', (field) => {
  it.each(FORGED.feed!.map((position) => [JSON.stringify(position), position] as const))('refuses %s with BAD_USER_INPUT on after', async (_, position) => {
    const client = wsClient(server.app.wsUrl);
    try {
      const sub = new TestSubscription(client, `subscription ($after: String) { ${field}(after: $after) { cursor } }`, { after: codec.encode('feed', position) });
      await sub.waitForEnd();
      // graphql-ws sends an error thrown while subscribing as a result with errors, then completes.
      const error = (sub.results[0]?.errors ?? (sub.error as Array<{ extensions?: Record<string, unknown> }>))?.[0];
      expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(errorsLogged()).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
