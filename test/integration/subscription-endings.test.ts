import type { PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { gqlData } from '../helpers/graphql';
import { capturingLogger } from '../helpers/log-capture';
import { eventually, sleep } from '../helpers/ports';
import { RawSocket } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/**
 * Every subscription either delivers or ends with an error that says what to do (issue 11, item 3),
 * whatever its cursor and whatever the database does meanwhile.
 */
const FEED = 'subscription ($after: String) { feed(after: $after) { cursor node { __typename ... on PolicyChange { policy { title } } } } }';
/** Nothing to read per item: the replay is the only query. */
const REPLAY = 'subscription ($after: String) { feed(after: $after) { cursor } }';

describe('a subscription whose cursor is ahead of its instance\'s relay', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase('bare');
    // No Redis and no polling: A hears of B's writes only when a gap in its own shows.
    const env = { FEED_POLL_MS: '3600000', FEED_MAX_QUEUE: '3' };
    [a, b] = await Promise.all([startTestServer({ database: db, env }), startTestServer({ database: db, env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  it('delivers what follows its cursor, though its relay then catches up on more entries than its queue holds', async () => {
    const headers = await editorHeaders(b.app);
    let cursor = '';
    for (let i = 0; i < 6; i += 1) cursor = (await recordPolicyChange(b.url, headers, { countryCode: 'NO' })).data.recordPolicyChange.cursor;
    expect(a.app.relay.relayedSeq).toBeLessThan(b.app.relay.relayedSeq);

    const socket = await RawSocket.ready(a.app.wsUrl);
    socket.subscribe('ahead', FEED, { after: cursor });
    await eventually(() => a.app.relay.listenerCount === 1, 5_000, 'the subscription');
    // A's own write shows A the gap: it fills the six entries (all at or before the cursor), then its own.
    const written = await recordPolicyChange(a.url, await editorHeaders(a.app), { countryCode: 'NO' });
    const frame = await socket.answer('ahead', 5_000);
    expect(frame.type).toBe('next');
    expect(frame.payload.data.feed.node.policy.title).toBe(written.data.recordPolicyChange.policy.title);
    socket.close();
  });
});

describe('a subscription whose replay cannot get a database connection', () => {
  let server: TestServer;
  let held: PoolClient | undefined;
  let after: string;
  const log = capturingLogger('debug');

  beforeAll(async () => {
    server = await startTestServer({
      template: 'seeded',
      env: { DB_POOL_SIZE: '1', DB_CONNECT_TIMEOUT_MS: '300', FEED_POLL_MS: '3600000' },
      logger: log.logger,
    });
    after = (await gqlData(server.url, '{ feed(first: 5) { pageInfo { endCursor } } }')).feed.pageInfo.endCursor;
  });
  afterEach(() => {
    held?.release();
    held = undefined;
  });
  afterAll(() => server.stop());

  it('ends with SERVICE_UNAVAILABLE and lets go of the relay; resubscribing later replays', async () => {
    const idle = server.app.relay.listenerCount;
    held = await server.app.db.pool.connect();
    const socket = await RawSocket.ready(server.app.wsUrl);
    socket.subscribe('replay', REPLAY, { after });
    const frame = await socket.next((f) => f.id === 'replay' && f.type !== 'next', 5_000);
    expect(frame.type).toBe('error');
    expect(frame.payload[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    await eventually(() => server.app.relay.listenerCount === idle, 2_000, 'the listener to go');

    held.release();
    held = undefined;
    socket.subscribe('again', REPLAY, { after });
    expect((await socket.answer('again')).type).toBe('next');
    socket.close();
  });

  it('completed while its replay waits for a connection: the failure reaches nobody, and the others never ask', async () => {
    held = await server.app.db.pool.connect();
    const socket = await RawSocket.ready(server.app.wsUrl);
    let mostWaiting = 0;
    const sampler = setInterval(() => (mostWaiting = Math.max(mostWaiting, server.app.db.pool.waitingCount)), 5);
    for (let i = 0; i < 5; i += 1) {
      socket.subscribe(`gone${i}`, REPLAY, { after });
      socket.send({ type: 'complete', id: `gone${i}` });
    }
    // Past DB_CONNECT_TIMEOUT_MS: a replay that had started has failed by now (an unhandled rejection fails this file).
    await sleep(1_000);
    clearInterval(sampler);
    // One replay at a time per socket: the others gave their place up before their turn.
    expect(mostWaiting).toBeLessThanOrEqual(1);
    expect(log.lines().filter((line) => line.level >= 40)).toEqual([]);
    expect(socket.frames.filter((f) => f.type === 'error')).toEqual([]);
    socket.close();
  });
});
