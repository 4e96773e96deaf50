import type { TestDatabase } from '../helpers/database';
import { errorCode, gql } from '../helpers/graphql';
import { eventually, sleep } from '../helpers/ports';
import { PrivatePostgres } from '../helpers/postgres-server';
import { startInstance } from '../helpers/process';
import { RawSocket } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, recordPolicyChange } from '../helpers/writes';

/**
 * RELIABILITY E1, E2, E5: a PostgreSQL of the test's own, stopped the way a
 * crash stops it (immediate shutdown) and started again. No instance is
 * restarted: requests fail fast with SERVICE_UNAVAILABLE meanwhile, and
 * service, and the feed, resume by themselves.
 */
let pg: PrivatePostgres;
let database: TestDatabase;
let a: TestServer;
let b: TestServer;
let headers: Record<string, string>;
const env = { SEED: 'auto', FEED_POLL_MS: '100', DB_CONNECT_TIMEOUT_MS: '1000', DB_POOL_SIZE: '4' };

beforeAll(async () => {
  pg = await PrivatePostgres.start();
  await pg.query('CREATE DATABASE borderwatch');
  database = { name: 'borderwatch', url: pg.databaseUrl('borderwatch'), drop: async () => undefined };
  a = await startTestServer({ database, env });
  b = await startTestServer({ database, env });
  headers = await editorHeaders(a.app);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await pg?.destroy();
}, 60_000);

const readyz = async (server: TestServer) => {
  const response = await fetch(server.url.replace('/graphql', '/readyz'));
  return { status: response.status, body: (await response.json()) as Record<string, string> };
};

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

function seqOf(cursor: string): string {
  return JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString())[1] as string;
}

describe('PostgreSQL down, then back', () => {
  it('fails fast with SERVICE_UNAVAILABLE and /readyz 503, keeps sockets open, and recovers without a restart: subscribers get every entry, in order', async () => {
    const client = wsClient(a.app.wsUrl);
    try {
      const sub = new TestSubscription(client, FEED_SUBSCRIPTION);
      await eventually(() => a.app.relay.listenerCount === 1, 5_000, 'the subscription');
      const first = await recordPolicyChange(a.url, headers, { countryCode: 'EE' });
      expect(first.errors).toBeUndefined();
      await sub.waitForCount(1);
      const socket = await RawSocket.ready(a.app.wsUrl);
      const older = (await gql(a.url, '{ feed(first: 3) { edges { cursor } } }')).data.feed.edges[2].cursor;

      await pg.stop();
      const timings: number[] = [];
      for (const attempt of [
        () => gql(a.url, '{ policies(first: 1) { totalCount } }'),
        () => recordPolicyChange(a.url, headers, { countryCode: 'EE' }),
        () => gql(b.url, '{ feed(first: 1) { edges { cursor } } }'),
      ]) {
        const started = Date.now();
        const result = await attempt();
        timings.push(Date.now() - started);
        expect(result.errors?.[0]).toMatchObject({ message: 'the database is unavailable; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } });
      }
      expect(Math.max(...timings)).toBeLessThan(1_500);
      expect(await readyz(a)).toEqual({ status: 503, body: { status: 'unavailable', database: 'down', redis: 'not used' } });
      expect((await fetch(a.url.replace('/graphql', '/healthz'))).status).toBe(200);
      expect(await metric(a, 'borderwatch_postgres_up')).toBe(0);

      // The socket stays; a resume that needs the database is refused for that operation only.
      socket.subscribe('resume', 'subscription ($after: String) { feed(after: $after) { cursor } }', { after: older });
      expect(await socket.answer('resume')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      await sleep(1_000); // several failed relay polls
      expect(socket.closed).toBeNull();

      await pg.start();
      const restarted = Date.now();
      await eventually(async () => (await readyz(a)).status === 200, 15_000, 'readiness');
      const readyAfter = Date.now() - restarted;
      const written: string[] = [];
      for (const server of [a, b, b]) {
        const result = await recordPolicyChange(server.url, headers, { countryCode: 'LV' });
        expect(result.errors).toBeUndefined();
        written.push(seqOf(result.data.recordPolicyChange.cursor));
      }
      // Entries written on B reach A's subscriber through A's relay polling PostgreSQL (no Redis here).
      await sub.waitForCount(4, 15_000);
      const received = sub.data.map((d) => seqOf(d.feed.cursor));
      expect(received).toEqual([seqOf(first.data.recordPolicyChange.cursor), ...written]);
      expect(await metric(a, 'borderwatch_postgres_up')).toBe(1);
      await eventually(async () => (await metric(a, 'borderwatch_feed_relay_lag')) === 0, 5_000, 'no relay lag');
      socket.close();
      console.log(`PostgreSQL down: refusals in ${timings.join(', ')} ms; ready ${readyAfter} ms after it was back`);
    } finally {
      await client.dispose();
    }
  }, 90_000);
});

describe('connections killed under load', () => {
  it('answers every request with data or SERVICE_UNAVAILABLE while backends are terminated, never half-writes, and serves the next request', async () => {
    const outcomes = new Map<string, number>();
    let running = true;
    const load = (async () => {
      for (let i = 0; i < 400 && running; i += 1) {
        const result = i % 3 === 0 ? await recordPolicyChange(a.url, headers, { countryCode: 'LT' }) : await gql(a.url, '{ policies(first: 5) { edges { node { title sources { url } } } } }');
        const outcome = result.errors ? String(errorCode(result)) : 'ok';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    })();
    for (let round = 0; round < 3; round += 1) {
      await sleep(300);
      await pg.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'borderwatch' AND pid <> pg_backend_pid()");
    }
    await sleep(300);
    running = false;
    await load;

    expect([...outcomes.keys()].filter((outcome) => outcome !== 'ok' && outcome !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(outcomes.get('ok')).toBeGreaterThan(0);
    expect(errorCode(await gql(a.url, '{ policies(first: 1) { totalCount } }'))).toBeUndefined();
    // Every version has its feed entry and a source: the transaction is all or nothing.
    const orphans = await a.app.db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM policy p
       WHERE NOT EXISTS (SELECT 1 FROM feed_entry f WHERE f.policy_id = p.id)
          OR NOT EXISTS (SELECT 1 FROM policy_source s WHERE s.policy_id = p.id)`,
    );
    expect(Number(orphans[0]!.n)).toBe(0);
  }, 60_000);
});

describe('an instance started while PostgreSQL is down', () => {
  it('waits for PostgreSQL and serves once it is up, with no crash', async () => {
    await pg.stop();
    let waiting = false;
    const starting = startInstance({ DATABASE_URL: database.url, DB_START_WAIT_MS: '60000', LOG_LEVEL: 'warn' }, 90_000, (output) => {
      waiting ||= output.includes('PostgreSQL unreachable at start; waiting for it');
    });
    starting.catch(() => undefined);
    await eventually(() => waiting, 30_000, 'the instance to say it waits for PostgreSQL');
    await sleep(1_000);
    await pg.start();
    const instance = await starting;
    try {
      const response = await gql(instance.url, '{ countries(first: 1) { totalCount } }');
      expect(errorCode(response)).toBeUndefined();
    } finally {
      await instance.stop();
    }
  }, 120_000);

  it('gives up after DB_START_WAIT_MS with one fatal line, no stack trace, and exit code 1', async () => {
    await pg.stop();
    try {
      const failure = await startInstance({ DATABASE_URL: database.url, DB_START_WAIT_MS: '1500' }, 30_000).then(
        () => null,
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/exited with 1 before listening/);
      expect(failure).toContain('Borderwatch could not start');
      expect(failure).not.toMatch(/\n\s+at /);
      expect(failure).not.toContain('Unhandled');
    } finally {
      await pg.start();
    }
  }, 60_000);
});
