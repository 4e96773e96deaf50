import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/common/paths';
import { freePort } from '../helpers/ports';
import { PrivatePostgres } from '../helpers/postgres-server';
import { startInstance, type RunningInstance } from '../helpers/process';
import { PrivateRedis } from '../helpers/redis-server';

export type Mode = 'embedded' | 'cluster';

/** One `node dist/src/main.js` process, from its start to its exit. */
export interface InstanceProcess {
  slot: string;
  pid: number;
  url: string;
  wsUrl: string;
  startedAt: number;
  exit: { at: number; code: number | null; signal: NodeJS.Signals | null } | null;
  /** The benchmark's probe in the process (memory after a full GC), on this loopback port. */
  probePort: number;
  /** The suite killed it (SIGKILL fault) or stopped it (SIGTERM at the end): its exit is no finding. */
  killedByUs: boolean;
  stoppedByUs: boolean;
  output(): string;
  running: RunningInstance;
}

export interface DeploymentOptions {
  /** Settings added to every instance's environment (after the suite's own). */
  env?: Record<string, string>;
  log?: (message: string) => void;
}

/**
 * The suite's settings, on top of Borderwatch's defaults: loopback only, and warnings and errors
 * in the log (what the logs invariant reads). Every limit and cap keeps its default: the hostile
 * clients meet what production has.
 */
export const SUITE_ENV = { HOST: '127.0.0.1', LOG_LEVEL: 'warn' } as const;

const TOKEN_JS = path.join(projectRoot, 'dist', 'scripts', 'token.js');
/**
 * The benchmark's probe (test/bench/probe.ts), preloaded with --expose-gc: memory is measured after
 * a full garbage collection, so that what the instance keeps is told apart from what it has not
 * collected yet.
 */
const PROBE_JS = path.join(projectRoot, 'dist', 'test', 'bench', 'probe.js');
const run = promisify(execFile);

/**
 * Real instances as child processes, in one of the two shapes the issue asks for:
 *   embedded  one instance, no DATABASE_URL, a fresh DATA_DIR in a temporary directory
 *   cluster   a private PostgreSQL and a private redis-server, two instances on them
 * Never the shared PostgreSQL or Redis: the faults stop and start the private ones.
 */
export class Deployment {
  /** Deployments not yet destroyed: what an interrupted run must clean up. */
  static readonly active = new Set<Deployment>();
  readonly processes: InstanceProcess[] = [];
  private readonly current = new Map<string, InstanceProcess>();
  token = '';

  private constructor(
    readonly mode: Mode,
    private readonly instanceEnv: Record<string, string>,
    readonly slots: readonly string[],
    private readonly log: (message: string) => void,
    readonly dataDir: string | null,
    readonly postgres: PrivatePostgres | null,
    readonly redis: PrivateRedis | null,
  ) {}

  static async start(mode: Mode, options: DeploymentOptions = {}): Promise<Deployment> {
    const log = options.log ?? (() => undefined);
    let deployment: Deployment;
    if (mode === 'embedded') {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bw-attack-'));
      deployment = new Deployment(mode, { ...SUITE_ENV, DATA_DIR: dataDir, ...options.env }, ['embedded'], log, dataDir, null, null);
    } else {
      const postgres = await PrivatePostgres.start();
      await postgres.query('CREATE DATABASE borderwatch');
      const redis = await PrivateRedis.start();
      const env = { ...SUITE_ENV, DATABASE_URL: postgres.databaseUrl('borderwatch'), REDIS_URL: redis.url, ...options.env };
      deployment = new Deployment(mode, env, ['A', 'B'], log, null, postgres, redis);
    }
    Deployment.active.add(deployment);
    try {
      // One after the other: the first applies the migrations and loads the seed.
      for (const slot of deployment.slots) await deployment.launch(slot);
      deployment.token = await deployment.createToken('attack-editor');
    } catch (error) {
      await deployment.destroy();
      throw error;
    }
    return deployment;
  }

  /** The environment of the instances: the database the suite reads the truth from, among others. */
  get env(): Readonly<Record<string, string>> {
    return this.instanceEnv;
  }

  /** Processes of the slots that are up now. */
  live(): InstanceProcess[] {
    return [...this.current.values()].filter((p) => p.exit === null);
  }

  /** The i-th live instance, round robin: how a load balancer spreads clients. */
  pick(i: number): InstanceProcess | undefined {
    const live = this.live();
    return live.length === 0 ? undefined : live[Math.abs(i) % live.length];
  }

  processOf(slot: string): InstanceProcess | undefined {
    return this.current.get(slot);
  }

  async launch(slot: string): Promise<InstanceProcess> {
    const probePort = await freePort();
    const running = await startInstance(
      { ...this.instanceEnv, NODE_OPTIONS: `--expose-gc --require ${PROBE_JS}`, BENCH_PROBE_PORT: String(probePort) },
      120_000,
    );
    const proc: InstanceProcess = {
      slot,
      pid: running.child.pid!,
      url: running.url,
      wsUrl: running.wsUrl,
      startedAt: Date.now(),
      exit: null,
      killedByUs: false,
      stoppedByUs: false,
      probePort,
      output: running.output,
      running,
    };
    running.child.once('exit', (code, signal) => {
      proc.exit = { at: Date.now(), code, signal };
      if (!proc.killedByUs && !proc.stoppedByUs) this.log(`instance ${slot} (pid ${proc.pid}) EXITED: code ${code}, signal ${signal}`);
    });
    this.processes.push(proc);
    this.current.set(slot, proc);
    this.log(`instance ${slot} up: ${proc.url} (pid ${proc.pid})`);
    return proc;
  }

  /** SIGKILL: no shutdown, sockets cut, a crash as clients see it. */
  async kill(slot: string): Promise<void> {
    const proc = this.current.get(slot);
    if (!proc || proc.exit) return;
    proc.killedByUs = true;
    const exited = new Promise((resolve) => proc.running.child.once('exit', resolve));
    proc.running.child.kill('SIGKILL');
    await exited;
  }

  /** An editor token, made the way `npm run token -- create` makes it, against the running deployment. */
  async createToken(name: string): Promise<string> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn' };
    if (this.instanceEnv.DATABASE_URL) env.DATABASE_URL = this.instanceEnv.DATABASE_URL;
    if (this.instanceEnv.DATA_DIR) env.DATA_DIR = this.instanceEnv.DATA_DIR;
    const { stdout } = await run(process.execPath, [TOKEN_JS, 'create', '--name', name, '--role', 'editor'], { env, cwd: projectRoot, timeout: 60_000 });
    const token = stdout.trim().split('\n').pop() ?? '';
    if (!token.startsWith('bw_')) throw new Error(`npm run token printed no token: ${stdout}`);
    return token;
  }

  async restartRedis(downMs: number): Promise<void> {
    await this.redis!.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.redis!.start();
  }

  /** `pg_ctl stop -m immediate` (a crash, as clients see it), then a start. */
  async restartPostgres(downMs: number): Promise<void> {
    await this.postgres!.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.postgres!.start();
  }

  /** Resident memory of each live instance, in MiB, from /proc. */
  rss(): Array<{ slot: string; pid: number; mib: number }> {
    const samples: Array<{ slot: string; pid: number; mib: number }> = [];
    for (const proc of this.live()) {
      try {
        const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1]);
        if (Number.isFinite(kib)) samples.push({ slot: proc.slot, pid: proc.pid, mib: kib / 1024 });
      } catch {
        // exited between the two reads
      }
    }
    return samples;
  }

  /** SIGTERM to every live instance; their exit codes and how long each took. */
  async stopAll(timeoutMs: number): Promise<Array<{ slot: string; pid: number; code: number | null; signal: string | null; ms: number }>> {
    return Promise.all(
      this.live().map(async (proc) => {
        proc.stoppedByUs = true;
        const started = Date.now();
        const exited = new Promise<void>((resolve) => (proc.exit ? resolve() : proc.running.child.once('exit', () => resolve())));
        proc.running.child.kill('SIGTERM');
        const timer = setTimeout(() => proc.running.child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
        return { slot: proc.slot, pid: proc.pid, code: proc.exit!.code, signal: proc.exit!.signal, ms: Date.now() - started };
      }),
    );
  }

  /** Whatever is still running is killed; private servers and files are removed. */
  async destroy(): Promise<void> {
    Deployment.active.delete(this);
    for (const proc of this.processes) {
      if (proc.exit === null) {
        proc.stoppedByUs = true;
        proc.running.child.kill('SIGKILL');
      }
    }
    await Promise.all(this.processes.filter((p) => p.exit === null).map((p) => new Promise((resolve) => p.running.child.once('exit', resolve))));
    await this.redis?.stop();
    await this.postgres?.destroy();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
