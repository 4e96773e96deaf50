import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'node:http';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { REDIS_URL } from '../helpers/env';
import { eventually, sleep } from '../helpers/ports';
import { RawSocket } from '../helpers/raw-ws';
import { PrivateRedis } from '../helpers/redis-server';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { FEED_SUBSCRIPTION, RECORD_POLICY_CHANGE, policyInput, recordPolicyChange } from '../helpers/writes';

/**
 * RELIABILITY E6 and A14: the real process (node dist/src/main.js, built into
 * a folder of this test's own) gets SIGTERM while 20 WebSocket subscribers
 * listen and a write is in flight.
 */
const PROJECT = path.resolve(__dirname, '..', '..');
const OUT = path.join(PROJECT, 'test-output', `shutdown-${process.pid}`);
const SUBSCRIBERS = 20;

let database: TestDatabase;
let other: TestServer;
let child: ChildProcess | null = null;
const prefix = `bw-shutdown-${randomUUID()}`;

function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (chunk) => (output += chunk));
    proc.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  // Its own build: dist/ may be stale, and other test files must not see it change under them.
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', OUT, '--tsBuildInfoFile', path.join(OUT, '.tsbuildinfo')], 240_000);
  database = await createTestDatabase('seeded');
  other = await startTestServer({ database, env: { REDIS_URL, REDIS_PREFIX: prefix } });
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await other?.stop();
  await database?.drop();
  await rm(OUT, { recursive: true, force: true });
}, 60_000);

function start(env: Record<string, string> = {}): Promise<{ url: string; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> }> {
  const proc = spawn(process.execPath, [path.join(OUT, 'src', 'main.js')], {
    cwd: PROJECT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      SEED: 'never',
      LOG_LEVEL: 'debug',
      RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${output}`)), 60_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Borderwatch GraphQL: (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, output: () => output, exited });
      }
    });
    void exited.then(() => reject(new Error(`exited before listening:\n${output}`)));
  });
}

/**
 * One request on a connection of its own (no keep-alive pool): its status;
 * "refused" when no connection could be made; "reset" when the connection was
 * closed without an answer (one accepted just as the server closed, before
 * it read a request: nothing was processed, a retry is safe).
 */
function freshRequest(url: string): Promise<number | 'refused' | 'reset'> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    req.setTimeout(5_000, () => req.destroy());
    req.end('{"query":"{ __typename }"}');
  });
}

const seqOf = (cursor: string) => BigInt(JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString())[1] as string);
const cursorsOf = (socket: RawSocket) => socket.frames.filter((f) => f.type === 'next').map((f) => f.payload.data.feed.cursor as string);

describe('SIGTERM', () => {
  it('stops accepting, finishes the write in flight, sends it to the subscribers, closes their sockets with 1001, disconnects and exits 0 within 10 s; nothing is lost on resume elsewhere', async () => {
    const server = await start();
    const wsUrl = server.url.replace('http', 'ws');
    const headers = await editorHeaders(other.app);

    const sockets = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => RawSocket.ready(wsUrl)));
    sockets.forEach((socket, i) => socket.subscribe(`feed-${i}`, FEED_SUBSCRIPTION));
    // Live on every socket: a change written on the other instance reaches them all through Redis.
    const warmUp = await recordPolicyChange(other.url, headers, { countryCode: 'EE' });
    expect(warmUp.errors).toBeUndefined();
    await Promise.all(sockets.map((socket) => socket.next((frame) => frame.type === 'next', 15_000)));
    const startSeq = seqOf(warmUp.data.recordPolicyChange.cursor);

    // A write that cannot finish yet: the feed counter row is held by another transaction.
    const blocker = new Client({ connectionString: database.url });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT value FROM feed_counter WHERE id = 1 FOR UPDATE');
    const inFlight = fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: RECORD_POLICY_CHANGE, variables: { input: policyInput({ countryCode: 'LV' }) } }),
    });
    await eventually(
      async () => (await blocker.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n > 0,
      10_000,
      'the write to wait on the lock',
    );

    // New connections during shutdown: each is answered (200), refused or reset unanswered; never a 5xx.
    const statuses: Array<number | string> = [];
    let probing = true;
    const probe = (async () => {
      for (let i = 0; i < 500 && probing; i += 1) {
        statuses.push(await freshRequest(server.url));
        await sleep(20);
      }
    })();

    const signalled = Date.now();
    child!.kill('SIGTERM');
    await eventually(() => statuses.includes('refused'), 5_000, 'new connections to be refused');
    const upgrade = await RawSocket.open(wsUrl).then(
      (socket) => (socket.close(), 'accepted'),
      () => 'refused',
    );
    expect(upgrade).toBe('refused');

    await sleep(300);
    await blocker.query('COMMIT');
    await blocker.end();
    const response = await inFlight;
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    const written = seqOf(body.data.recordPolicyChange.cursor);

    const exit = await server.exited;
    probing = false;
    await probe;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalled).toBeLessThan(10_000);
    expect(server.output()).toContain('shutdown: done');
    expect(statuses.filter((status) => status !== 200 && status !== 'refused' && status !== 'reset')).toEqual([]);

    for (const socket of sockets) {
      expect(await socket.waitForClose()).toEqual({ code: 1001, reason: 'Going away' });
      // Flushed before the close: the write that finished during shutdown reached every subscriber.
      expect(cursorsOf(socket).map(seqOf)).toEqual([startSeq, written]);
    }

    // Resuming on the other instance from the last cursor misses nothing written since.
    const later = await recordPolicyChange(other.url, headers, { countryCode: 'LT' });
    const resumed = await RawSocket.ready(other.app.wsUrl);
    try {
      resumed.subscribe('resume', FEED_SUBSCRIPTION, { after: cursorsOf(sockets[0]!).at(-1) });
      await resumed.next((frame) => frame.type === 'next');
      const rows = await other.app.db.prisma.feedEntry.findMany({ where: { seq: { gt: startSeq } }, orderBy: { seq: 'asc' }, select: { seq: true } });
      const received = [...cursorsOf(sockets[0]!), ...cursorsOf(resumed)].map(seqOf).filter((seq) => seq > startSeq);
      expect(received).toEqual(rows.map((row) => row.seq));
      expect(received.at(-1)).toBe(seqOf(later.data.recordPolicyChange.cursor));
    } finally {
      resumed.close();
    }
    console.log(`SIGTERM to exit: ${exit.at - signalled} ms; ${statuses.filter((s) => s === 200).length} requests answered and ${statuses.filter((s) => s === 'refused').length} refused during shutdown`);
  }, 120_000);

  it.each([
    ['killed', (redis: PrivateRedis) => redis.stop()],
    ['hung (CLIENT PAUSE: connections accepted, commands never answered)', (redis: PrivateRedis) => redis.pause()],
  ])('starts, and exits 0 on SIGTERM, when Redis has been %s since before the start', async (_, outage) => {
    const redis = await PrivateRedis.start();
    await outage(redis);
    try {
      const server = await start({ REDIS_URL: redis.url });
      const ready = await fetch(server.url.replace('/graphql', '/readyz'));
      expect(await ready.json()).toMatchObject({ redis: 'down', status: 'degraded' });
      // The feed subscription is still waiting for Redis: closing the bus ends it.
      child!.kill('SIGTERM');
      const exit = await server.exited;
      expect({ code: exit.code, signal: exit.signal, output: server.output() }).toMatchObject({ code: 0, signal: null, output: expect.stringContaining('shutdown: done') });
    } finally {
      await redis.stop();
    }
  }, 60_000);

  it('SIGKILL: clients see 1006 and resume on another instance without a gap (RELIABILITY E7)', async () => {
    const server = await start();
    const headers = await editorHeaders(other.app);
    const socket = await RawSocket.ready(server.url.replace('http', 'ws'));
    socket.subscribe('feed', FEED_SUBSCRIPTION);
    const first = await recordPolicyChange(server.url, headers, { countryCode: 'FI' });
    await socket.next((frame) => frame.type === 'next');
    child!.kill('SIGKILL');
    expect((await socket.waitForClose()).code).toBe(1006);
    expect((await server.exited).signal).toBe('SIGKILL');
    const missed = await recordPolicyChange(other.url, headers, { countryCode: 'FI' });
    const resumed = await RawSocket.ready(other.app.wsUrl);
    try {
      resumed.subscribe('resume', FEED_SUBSCRIPTION, { after: cursorsOf(socket).at(-1) });
      await resumed.next((frame) => frame.type === 'next');
      expect([...cursorsOf(socket), ...cursorsOf(resumed)].map(seqOf)).toEqual([first, missed].map((r) => seqOf(r.data.recordPolicyChange.cursor)));
    } finally {
      resumed.close();
    }
  }, 120_000);
});

describe('stop() while Redis is hung', () => {
  it('leaves no unhandled rejection when the bus closes under the feed subscription still waiting for Redis', async () => {
    const redis = await PrivateRedis.start();
    await redis.pause();
    try {
      const server = await startTestServer({ template: 'bare', env: { REDIS_URL: redis.url } });
      expect(server.app.bus.status).toBe('down');
      await server.stop();
      // The bus's sockets end within 100 ms of closing; a rejection left unhandled fails this test.
      await sleep(500);
    } finally {
      await redis.stop();
    }
  }, 60_000);
});
