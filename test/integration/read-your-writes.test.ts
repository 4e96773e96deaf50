import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { gql } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { RECORD_POLICY_CHANGE, policyInput, recordPolicyChange } from '../helpers/writes';

/**
 * README (caching): a read after a write on the same instance sees the write,
 * even while an earlier entry of another instance has not reached this one
 * yet, so that this instance's relay holds its own entry back until the gap
 * is filled.
 */
const QUERY = '{ country(code: "EE") { currentPolicies(category: TRANSIT) { title } } }';

async function lockWaiters(client: Client): Promise<number> {
  const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
  return rows[0].n as number;
}

describe('read-your-writes with the response cache', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase('bare');
    // No Redis and no polls: A hears of B's writes only when it looks in PostgreSQL for a gap.
    const env = { FEED_POLL_MS: '3600000' };
    [a, b] = (await Promise.all([startTestServer({ database: db, env }), startTestServer({ database: db, env })])) as [TestServer, TestServer];
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await db.drop();
  });

  it("answers a read on A after A's write with that write, while B's earlier entry has not reached A", async () => {
    const [onA, onB] = await Promise.all([editorHeaders(a.app), editorHeaders(b.app)]);
    await gql(a.url, QUERY);
    const before = a.app.db.queryCount;
    expect((await gql(a.url, QUERY)).data).toEqual({ country: { currentPolicies: [] } });
    expect(a.app.db.queryCount).toBe(before); // kept

    // B's entry: committed, and unknown to A.
    expect((await recordPolicyChange(b.url, onB, { countryCode: 'LV' })).errors).toBeUndefined();

    // A's write, then A's gap fill held back: its read of the feed queues behind a table lock that is
    // granted the moment A's write commits (it waits behind the write, which holds feed_entry).
    const blocker = new Client({ connectionString: db.url });
    const locker = new Client({ connectionString: db.url });
    await Promise.all([blocker.connect(), locker.connect()]);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT value FROM feed_counter WHERE id = 1 FOR UPDATE');
      const writing = gql(a.url, RECORD_POLICY_CHANGE, { input: policyInput({ countryCode: 'EE', category: 'TRANSIT' }) }, onA);
      await eventually(async () => (await lockWaiters(blocker)) === 1, 10_000, "A's write to wait for the counter");
      await locker.query('BEGIN');
      const locked = locker.query('LOCK TABLE feed_entry, feed_counter IN ACCESS EXCLUSIVE MODE');
      await eventually(async () => (await lockWaiters(blocker)) === 2, 10_000, 'the table lock to queue behind the write');
      await blocker.query('COMMIT');
      const written = await writing;
      expect(written.errors).toBeUndefined();
      await locked;
      const relayed = a.app.relay.relayedSeq;

      const read = await gql(a.url, QUERY);
      expect(read.data).toEqual({ country: { currentPolicies: [{ title: written.data.recordPolicyChange.policy.title }] } });
      // The fill was still waiting: A had not relayed B's entry, nor so its own.
      expect(a.app.relay.relayedSeq).toBe(relayed);
      expect(a.app.relay.committedSeq).toBeGreaterThan(relayed);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await Promise.all([blocker.end(), locker.end()]);
    }
    await eventually(() => a.app.relay.relayedSeq === a.app.relay.committedSeq, 5_000, 'A to fill the gap');
  });
});
