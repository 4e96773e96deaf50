import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { sleep } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/**
 * The seed's feed entries are offered to the relay before it starts. Its
 * start reads the feed counter, which accounts for them: they must leave
 * nothing behind that later writes pay for.
 */
async function statementsPerWrite(server: TestServer, headers: Record<string, string>): Promise<number> {
  const before = server.app.db.queryCount;
  const result = await recordPolicyChange(server.url, headers, { countryCode: 'FI' });
  expect(result.errors).toBeUndefined();
  // What the relay does after the answer counts too.
  await sleep(300);
  return server.app.db.queryCount - before;
}

describe('an instance that seeded its database at start', () => {
  let empty: TestDatabase;
  let seeder: TestServer;
  let other: TestServer;

  beforeAll(async () => {
    empty = await createTestDatabase('bare');
    // No Redis and no polls: each instance runs only the statements of its own writes. The other
    // one's database is the same seed, loaded before the instance started (the test template).
    const env = { FEED_POLL_MS: '3600000' };
    [seeder, other] = await Promise.all([startTestServer({ database: empty, env: { ...env, SEED: 'auto' } }), startTestServer({ template: 'seeded', env })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([seeder.stop(), other.stop()]);
    await empty.drop();
  });

  it('relayed everything up to the counter, and a write costs it the same statements as on an instance that did not seed', async () => {
    expect(await seeder.app.services.feed.latestSeq()).toBeGreaterThan(100n);
    expect(seeder.app.relay.relayedSeq).toBe(await seeder.app.services.feed.latestSeq());
    const [seederHeaders, otherHeaders] = await Promise.all([editorHeaders(seeder.app), editorHeaders(other.app)]);
    // The first write on each loads what later ones find cached (the token, the catalog).
    await statementsPerWrite(seeder, seederHeaders);
    await statementsPerWrite(other, otherHeaders);

    const onSeeder = [await statementsPerWrite(seeder, seederHeaders), await statementsPerWrite(seeder, seederHeaders)];
    const onOther = [await statementsPerWrite(other, otherHeaders), await statementsPerWrite(other, otherHeaders)];
    expect(onSeeder).toEqual(onOther);
  });
});
