import { errorCode, gql, gqlData } from '../helpers/graphql';
import { addEvent, addStatement, recordPolicy } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

let server: TestServer;
let headers: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
  headers = await editorHeaders(server.app);
});
afterAll(() => server.stop());

const RETRACT = `mutation ($id: ID!, $reason: String!) {
  retract(id: $id, reason: $reason) { reason target { __typename ... on Policy { id retractedAt retractionReason } ... on Statement { id retractedAt } } }
}`;

async function version(status: string, effectiveFrom: string): Promise<string> {
  const result = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ countryCode: 'TR', category: 'ENTRY', status, effectiveFrom }) }, headers);
  return result.data.recordPolicyChange.policy.id;
}

const history = async () =>
  (await gqlData(server.url, `{ country(code: "TR") { policyHistory(category: ENTRY) { edges { node { id status effectiveTo previous { id } } } } } }`)).country
    .policyHistory.edges.map((e: any) => e.node);

describe('retract', () => {
  it('marks a middle version wrong: the one before takes over its period and the one after points past it', async () => {
    const a = await version('OPEN', '2022-01-01');
    const b = await version('CLOSED', '2022-06-01');
    const c = await version('RESTRICTED', '2022-09-01');
    const result = await gql(server.url, RETRACT, { id: b, reason: 'The source was misread' }, headers);
    expect(result.errors).toBeUndefined();
    expect(result.data.retract).toMatchObject({ reason: 'The source was misread', target: { __typename: 'Policy', id: b, retractionReason: 'The source was misread' } });
    expect(await history()).toEqual([
      { id: c, status: 'RESTRICTED', effectiveTo: null, previous: { id: a } },
      { id: a, status: 'OPEN', effectiveTo: '2022-09-01', previous: null },
    ]);
    // Nothing is deleted: the retracted version is still in the database.
    expect(await server.app.db.prisma.policy.findUnique({ where: { id: b } })).toMatchObject({ retractionReason: 'The source was misread' });
  });

  it('retracting the current version puts the previous one back in force, and the next change chains onto it', async () => {
    const current = (await history())[0].id;
    await gql(server.url, RETRACT, { id: current, reason: 'Announced, never applied' }, headers);
    const [head] = await history();
    expect(head.effectiveTo).toBeNull();
    const next = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ countryCode: 'TR', category: 'ENTRY', effectiveFrom: '2023-01-01' }) }, headers);
    expect(next.errors).toBeUndefined();
    expect(next.data.recordPolicyChange.previous.id).toBe(head.id);
  });

  it('is a feed item that live subscribers receive', async () => {
    const client = wsClient(server.app.wsUrl);
    try {
      const sub = new TestSubscription(client, FEED_SUBSCRIPTION, { filter: { kinds: ['RETRACTION'] } });
      for (let i = 0; i < 100 && server.app.relay.listenerCount === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      const id = await version('OPEN', '2024-01-01');
      await gql(server.url, RETRACT, { id, reason: 'Duplicate' }, headers);
      await sub.waitForCount(1);
      expect(sub.data[0]!.feed).toMatchObject({ kind: 'RETRACTION', node: { reason: 'Duplicate', target: { __typename: 'Policy', id } } });
    } finally {
      await client.dispose();
    }
  });

  it('refuses twice, unknown ids, empty reasons and anonymous callers', async () => {
    const id = await version('OPEN', '2024-06-01');
    await gql(server.url, RETRACT, { id, reason: 'Wrong' }, headers);
    expect(errorCode(await gql(server.url, RETRACT, { id, reason: 'Again' }, headers))).toBe('CONFLICT');
    expect(errorCode(await gql(server.url, RETRACT, { id: '00000000-0000-4000-8000-000000000000', reason: 'x' }, headers))).toBe('NOT_FOUND');
    const empty = await gql(server.url, RETRACT, { id, reason: ' ' }, headers);
    expect(errorCode(empty)).toBe('BAD_USER_INPUT');
    expect(empty.errors?.[0]?.extensions?.field).toBe('reason');
    expect(errorCode(await gql(server.url, RETRACT, { id, reason: 'x' }))).toBe('UNAUTHENTICATED');
  });

  const records: Record<string, { table: string; create: () => Promise<string> }> = {
    'a statement': {
      table: 'statement',
      create: async () => (await addStatement(server, { speaker: 'Race', saidAt: `2022-09-${10 + retracted.length}T10:00:00Z`, countryCode: 'TR' })).statement.id,
    },
    'an event': {
      table: 'event',
      create: async () => (await addEvent(server, { title: `Race ${retracted.length}`, occurredOn: '2022-09-21', countryCode: 'TR', countryCodes: ['RU'] })).event.id,
    },
    'a policy version': {
      table: 'policy',
      create: async () => (await recordPolicy(server, { countryCode: 'GE', effectiveFrom: `2022-0${1 + retracted.length}-01` })).policy.id,
    },
  };
  const retracted: string[] = [];

  it.each(Object.keys(records))('lets exactly one of 5 concurrent retractions of %s through: the others get CONFLICT, one feed item, the winner\'s reason', async (kind) => {
    const id = await records[kind]!.create();
    retracted.push(id);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => gql(server.url, RETRACT, { id, reason: `Reason ${i}` }, headers)));
    const winners = results.filter((result) => !result.errors);
    expect(winners).toHaveLength(1);
    expect(results.map(errorCode).filter((code) => code === 'CONFLICT')).toHaveLength(4);
    const reason = winners[0]!.data.retract.reason as string;
    const items = await server.app.db.prisma.feedEntry.findMany({ where: { retractedId: id } });
    expect(items.map((item) => item.reason)).toEqual([reason]);
    const [row] = await server.app.db.prisma.$queryRawUnsafe<Array<{ reason: string }>>(
      `SELECT retraction_reason AS reason FROM ${records[kind]!.table} WHERE id = $1::uuid`,
      id,
    );
    expect(row!.reason).toBe(reason);
  });
});
