import { errorCode, gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
});
afterAll(() => server.stop());

async function counts() {
  const { prisma } = server.app.db;
  const [policies, feed, sources] = await Promise.all([prisma.policy.count(), prisma.feedEntry.count(), prisma.source.count()]);
  return { policies, feed, sources };
}

async function attempt(headers: Record<string, string>) {
  return gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ sources: [{ url: `https://example.org/${Math.random()}`, title: 'T' }] }) }, headers);
}

describe('editors\' writes', () => {
  it('refuse a write without a token with UNAUTHENTICATED, writing nothing', async () => {
    const before = await counts();
    const result = await attempt({});
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['an unknown token', 'Bearer bw_not-a-real-token'],
    ['a malformed header', 'Token abc'],
    ['an empty bearer', 'Bearer '],
  ])('refuse a write with %s', async (_what, authorization) => {
    const before = await counts();
    expect(errorCode(await attempt({ authorization }))).toBe('UNAUTHENTICATED');
    expect(await counts()).toEqual(before);
  });

  it('accept an editor token, and refuse it once revoked', async () => {
    const headers = await editorHeaders(server.app, 'alice');
    const accepted = await attempt(headers);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.recordPolicyChange.policy.title).toMatch(/^Test change/);

    await server.app.services.tokens.revoke('alice');
    const before = await counts();
    const refused = await attempt(headers);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(await counts()).toEqual(before);
  });

  it('keep reads public, with or without a token', async () => {
    const anonymous = await gql(server.url, '{ countries(first: 1) { totalCount } }');
    const withBadToken = await gql(server.url, '{ countries(first: 1) { totalCount } }', {}, { authorization: 'Bearer nonsense' });
    expect(anonymous.errors).toBeUndefined();
    expect(withBadToken.data).toEqual(anonymous.data);
  });

  it('store only a hash of each token', async () => {
    const token = await server.app.services.tokens.create('bob', 'EDITOR');
    const rows = await server.app.db.prisma.apiToken.findMany();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.find((row) => row.name === 'bob')?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuse a second token with the same name', async () => {
    await server.app.services.tokens.create('carol', 'EDITOR');
    await expect(server.app.services.tokens.create('carol', 'EDITOR')).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
  });
});
