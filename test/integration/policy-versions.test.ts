import { errorCode, gql, gqlData } from '../helpers/graphql';
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

const record = (overrides: Record<string, unknown>) => gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput(overrides) }, headers);

describe('recordPolicyChange', () => {
  it('starts a history with NEW, then closes each version it replaces and says which way it went', async () => {
    const first = await record({ countryCode: 'GE', category: 'ENTRY', status: 'OPEN', effectiveFrom: '2022-01-01' });
    const second = await record({ countryCode: 'GE', category: 'ENTRY', status: 'CONDITIONAL', effectiveFrom: '2022-10-01' });
    const third = await record({ countryCode: 'GE', category: 'ENTRY', status: 'FACILITATED', effectiveFrom: '2023-03-01' });
    const same = await record({ countryCode: 'GE', category: 'ENTRY', status: 'FACILITATED', effectiveFrom: '2023-04-01' });
    expect([first, second, third, same].map((r) => r.data.recordPolicyChange.direction)).toEqual(['NEW', 'STRICTER', 'LOOSER', 'UNCHANGED']);
    expect(second.data.recordPolicyChange.previous).toEqual({ id: first.data.recordPolicyChange.policy.id, effectiveTo: '2022-10-01' });

    const { country } = await gqlData(server.url, `{ country(code: "GE") {
      policyHistory(category: ENTRY) { totalCount edges { node { status effectiveFrom effectiveTo } } }
      before: policiesAt(date: "2022-09-30", category: ENTRY) { status }
      on: policiesAt(date: "2022-10-01", category: ENTRY) { status }
    } }`);
    expect(country.policyHistory.totalCount).toBe(4);
    expect(country.policyHistory.edges.map((e: any) => [e.node.status, e.node.effectiveFrom, e.node.effectiveTo])).toEqual([
      ['FACILITATED', '2023-04-01', null],
      ['FACILITATED', '2023-03-01', '2023-04-01'],
      ['CONDITIONAL', '2022-10-01', '2023-03-01'],
      ['OPEN', '2022-01-01', '2022-10-01'],
    ]);
    expect(country.before).toEqual([{ status: 'OPEN' }]);
    expect(country.on).toEqual([{ status: 'CONDITIONAL' }]);
  });

  it('lets exactly one of two concurrent editors win when both give the same expectedPreviousId', async () => {
    const base = await record({ countryCode: 'AM', category: 'VISA', status: 'OPEN', effectiveFrom: '2022-01-01' });
    const expectedPreviousId = base.data.recordPolicyChange.policy.id;
    const results = await Promise.all(
      ['RESTRICTED', 'CLOSED', 'CONDITIONAL', 'FACILITATED'].map((status) =>
        record({ countryCode: 'AM', category: 'VISA', status, effectiveFrom: '2022-06-01', expectedPreviousId }),
      ),
    );
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers.map(errorCode)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(losers[0]!.errors?.[0]?.extensions).toMatchObject({ field: 'input.expectedPreviousId', currentId: winners[0]!.data.recordPolicyChange.policy.id });
    const versions = await server.app.db.prisma.policy.count({ where: { countryCode: 'AM', category: 'VISA' } });
    expect(versions).toBe(2);
  });

  it('chains concurrent changes without expectedPreviousId instead of forking the history', async () => {
    await Promise.all(Array.from({ length: 8 }, () => record({ countryCode: 'MN', category: 'WORK', effectiveFrom: '2022-05-01' })));
    const rows = await server.app.db.prisma.policy.findMany({ where: { countryCode: 'MN', category: 'WORK' } });
    expect(rows).toHaveLength(8);
    expect(rows.filter((row) => row.effectiveTo === null)).toHaveLength(1);
    expect(rows.filter((row) => row.previousId === null)).toHaveLength(1);
    expect(new Set(rows.map((row) => row.previousId)).size).toBe(8);
  });

  it('accepts a correction on the same day: the corrected version never was in force', async () => {
    await record({ countryCode: 'KG', category: 'ENTRY', status: 'OPEN', title: 'Wrong', effectiveFrom: '2022-09-21' });
    await record({ countryCode: 'KG', category: 'ENTRY', status: 'OPEN', title: 'Right', effectiveFrom: '2022-09-21' });
    const { country } = await gqlData(server.url, `{ country(code: "KG") {
      policiesAt(date: "2022-09-21", category: ENTRY) { title }
      policyHistory(category: ENTRY) { edges { node { title effectiveFrom effectiveTo } } } } }`);
    expect(country.policiesAt).toEqual([{ title: 'Right' }]);
    expect(country.policyHistory.edges.map((e: any) => e.node)).toEqual([
      { title: 'Right', effectiveFrom: '2022-09-21', effectiveTo: null },
      { title: 'Wrong', effectiveFrom: '2022-09-21', effectiveTo: '2022-09-21' },
    ]);
  });
});
