import { createHmac } from 'node:crypto';
import { CursorCodec } from '../../src/common/cursor';
import { createFreshDatabase, createTestDatabase, type TestDatabase } from '../helpers/database';
import { gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Cursors are signed with a secret each database makes at migration time
 * (README: Configuration, CURSOR_SECRET): every instance of a deployment
 * accepts the others' cursors with nothing configured, and nobody else can
 * sign one. No CURSOR_SECRET is set here unless a test says so.
 */
const PAGE = 'query ($after: String) { countries(first: 2, after: $after) { edges { node { code } } pageInfo { endCursor } } }';

async function page(server: TestServer, after: string | null) {
  return gql(server.url, PAGE, { after });
}

/** The same position, signed the way a cursor is, with a secret of the caller's choosing. */
function resigned(cursor: string, secret: string): string {
  const [body] = cursor.split('.');
  return `${body}.${createHmac('sha256', secret).update(body!).digest('base64url').slice(0, 16)}`;
}

describe('the cursor secret', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let cursor: string;
  let second: string[];

  beforeAll(async () => {
    db = await createTestDatabase('bare');
    [a, b] = (await Promise.all([startTestServer({ database: db }), startTestServer({ database: db })])) as [TestServer, TestServer];
    cursor = (await page(a, null)).data.countries.pageInfo.endCursor;
    second = (await page(a, cursor)).data.countries.edges.map((edge: any) => edge.node.code);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await db.drop();
  });

  it('is shared by every instance on one database with nothing configured: B continues where A left off', async () => {
    expect(a.config.cursorSecret).toBeUndefined();
    const onB = await page(b, cursor);
    expect(onB.errors).toBeUndefined();
    expect(onB.data.countries.edges.map((edge: any) => edge.node.code)).toEqual(second);
  });

  it('is not public: a cursor signed with the old built-in default is refused', async () => {
    const forged = await page(a, resigned(cursor, 'borderwatch-cursor-v1'));
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(forged.errors?.[0]?.message).toContain('not a valid cursor');
  });

  it("is the database's own: another deployment refuses this one's cursors", async () => {
    const other = await createFreshDatabase();
    const elsewhere = await startTestServer({ database: other });
    try {
      expect(elsewhere.app.db.deployment.secret).not.toBe(a.app.db.deployment.secret);
      const refused = await page(elsewhere, cursor);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      // Its own cursors work there.
      const own = (await page(elsewhere, null)).data.countries.pageInfo.endCursor;
      expect((await page(elsewhere, own)).errors).toBeUndefined();
    } finally {
      await elsewhere.stop();
      await other.drop();
    }
  });

  it('can still be set with CURSOR_SECRET, which then wins over the database’s', async () => {
    const secret = 'an operator-chosen secret';
    const pinned = await startTestServer({ database: db, env: { CURSOR_SECRET: secret } });
    try {
      expect((await page(pinned, cursor)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const signed = resigned(cursor, secret);
      expect(signed).toBe(new CursorCodec(secret).encode(...decoded(cursor)));
      const accepted = await page(pinned, signed);
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data.countries.edges.map((edge: any) => edge.node.code)).toEqual(second);
    } finally {
      await pinned.stop();
    }
  });
});

function decoded(cursor: string): [string, Array<string | number>] {
  const [list, ...position] = JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString()) as [string, ...Array<string | number>];
  return [list, position];
}
