import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { startApp, type App } from '../../src/server/app';
import { gqlData } from '../helpers/graphql';
import { capturingLogger } from '../helpers/log-capture';
import { RawSocket } from '../helpers/raw-ws';
import { sleep } from '../helpers/ports';

/**
 * A burst of subscribe + complete pairs, each for a replay from an old cursor, on one socket of an
 * embedded instance with its default settings (issue 11, item 1): it crashed the process with an
 * unhandled rejection (pool waiters timing out). Now each socket's replays queue behind its own, a
 * completed subscription gives up its place, nothing rejects unhandled, and other clients get answers.
 */
const REPLAY = 'subscription ($after: String) { feed(after: $after) { cursor } }';

let app: App;
let dataDir: string;
const log = capturingLogger('debug');

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'bw-burst-'));
  const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
  app = await startApp(config, log.logger);
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a burst of replays on one socket (embedded, default settings)', () => {
  it('rejects nothing unhandled, keeps answering other clients, and delivers a replay that stays', async () => {
    // An old public cursor: the end of the feed's first page (newest first), a hundred items back.
    const page = await gqlData(app.url, '{ feed(first: 100) { totalCount pageInfo { endCursor } } }');
    expect(page.feed.totalCount).toBeGreaterThan(100);
    const after = page.feed.pageInfo.endCursor as string;

    const attacker = await RawSocket.ready(app.wsUrl);
    let mostWaiting = 0;
    const sampler = setInterval(() => (mostWaiting = Math.max(mostWaiting, app.db.pool.waitingCount)), 2);
    const statementsBefore = app.db.queryCount;
    // 290 pairs: under the default message rate (600 a minute), so only the replays themselves are in the way.
    const frames: string[] = [];
    for (let i = 0; i < 290; i += 1) {
      frames.push(JSON.stringify({ type: 'subscribe', id: `s${i}`, payload: { query: REPLAY, variables: { after } } }));
      frames.push(JSON.stringify({ type: 'complete', id: `s${i}` }));
    }
    for (const frame of frames) attacker.socket.send(frame);

    // Meanwhile an honest client reads, and another subscribes with a replay it keeps.
    const honest = await gqlData(app.url, '{ countries(first: 3) { edges { node { code } } } }');
    expect(honest.countries.edges).toHaveLength(3);
    const keeper = await RawSocket.ready(app.wsUrl);
    keeper.subscribe('keep', REPLAY, { after });
    const answer = await keeper.answer('keep', 30_000);
    expect(answer.type).toBe('next');

    // Long enough for every pool waiter of the burst to have timed out (DB_CONNECT_TIMEOUT_MS 2 s), several times over.
    await sleep(8_000);
    clearInterval(sampler);
    // Replays queue per socket, not on the pool (4 connections embedded)...
    expect(mostWaiting).toBeLessThanOrEqual(4);
    // ...and a subscription completed while its replay waited never ran it: a few of the 290 ran, not all.
    expect(app.db.queryCount - statementsBefore).toBeLessThan(50);
    // An unhandled rejection fails this file (jest reports it as "Test suite failed to run"); outside jest it ends the process.
    expect(log.lines().filter((line) => line.level >= 50)).toEqual([]);
    keeper.close();
    attacker.close();
  }, 60_000);
});
