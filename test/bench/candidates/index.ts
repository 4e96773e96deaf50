import path from 'node:path';
import { DIST_BENCH, freePort, NODE22, postJson, PROBE, ROOT, startChild, waitFor, type Child } from '../util';

export type CandidateName = 'borderwatch' | 'borderwatch-uncached' | 'naive' | 'postgraphile' | 'floor';

export const CANDIDATES: CandidateName[] = ['borderwatch', 'borderwatch-uncached', 'naive', 'postgraphile', 'floor'];

export const CANDIDATE_TITLES: Record<CandidateName, string> = {
  borderwatch: 'Borderwatch (defaults: response cache on)',
  // The peers keep no answers: this row compares execution with execution.
  'borderwatch-uncached': 'Borderwatch, response cache off (RESPONSE_CACHE_MB=0)',
  naive: 'Naive (Type-GraphQL + Prisma, no batching)',
  postgraphile: 'PostGraphile 5',
  floor: 'Floor (graphql-js + pg, hand-written SQL)',
};

/** Apart from any other run (or test suite) sharing this Redis. */
const RUN_REDIS_PREFIX = `bench${process.pid}-${Date.now()}`;

export interface RunningServer {
  name: string;
  url: string;
  port: number;
  probePort: number;
  pid: number;
  child: Child;
  stop(): Promise<void>;
}

export interface ServerOptions {
  databaseUrl: string;
  redisUrl?: string;
  cpus?: string | undefined;
  env?: Record<string, string>;
  /** --expose-gc, for memory measurements */
  exposeGc?: boolean;
  poolSize?: number;
}

/** Starts a candidate server on a free loopback port, with the probe preloaded, and waits until it answers. */
export async function startCandidate(name: CandidateName | 'relay' | 'static', options: ServerOptions, label: string = name): Promise<RunningServer> {
  if (name === 'borderwatch-uncached') {
    return startCandidate('borderwatch', { ...options, env: { ...options.env, RESPONSE_CACHE_MB: '0' } }, label);
  }
  const port = await freePort();
  const probePort = await freePort();
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") reaches every server: how the profiles in the issue note were taken.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const nodeArgs = ['--require', PROBE, ...extra, ...(options.exposeGc ? ['--expose-gc'] : [])];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    DB_POOL_SIZE: String(options.poolSize ?? 10),
    BENCH_PROBE_PORT: String(probePort),
    ...options.env,
  };
  let command = process.execPath;
  let args: string[];
  switch (name) {
    case 'borderwatch':
      Object.assign(env, {
        LOG_LEVEL: 'warn',
        SEED: 'never',
        // countries(first: 250) in one page, as scenario 2 asks
        PAGE_SIZE_MAX: '250',
        // Every benchmark client comes from 127.0.0.1: the per-address limits on writes and new sockets
        // (60 a minute by default) and on open sockets (50) would refuse the fan-out's 100 writes a second
        // and 10,000 sockets.
        RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
        RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE: '100000000',
        WS_MAX_SOCKETS_PER_ADDRESS: '100000000',
        // One prefix for every instance of this run: instances hear each other only on the same channels.
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_PREFIX: RUN_REDIS_PREFIX } : {}),
        ...options.env,
      });
      args = [...nodeArgs, path.join(ROOT, 'dist', 'src', 'main.js')];
      break;
    case 'naive':
      args = [...nodeArgs, path.join(DIST_BENCH, 'candidates', 'naive', 'server.js')];
      break;
    case 'floor':
      args = [...nodeArgs, path.join(DIST_BENCH, 'candidates', 'floor', 'server.js')];
      break;
    case 'postgraphile':
      command = NODE22;
      args = [...nodeArgs, path.join(ROOT, 'test', 'bench', 'candidates', 'postgraphile', 'server.mjs')];
      break;
    case 'static':
      args = [...nodeArgs, path.join(DIST_BENCH, 'limits', 'http-static.js')];
      break;
    case 'relay':
      Object.assign(env, { REDIS_URL: options.redisUrl, ...options.env });
      args = [...nodeArgs, path.join(DIST_BENCH, 'limits', 'ws-relay.js')];
      break;
  }
  const child = startChild(command, args, { name: label, env, cpus: options.cpus });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(
    async () => {
      if (name === 'relay') return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
      return (await postJson(url, { query: '{ __typename }' })).status === 200;
    },
    60_000,
    `${label} to answer`,
    child,
  );
  return { name: label, url, port, probePort, pid: child.process.pid!, child, stop: () => child.stop() };
}
