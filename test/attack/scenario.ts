import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Clock, Lifetime } from './clock';
import { Deployment, type Mode } from './deployment';
import { runFaults } from './faults';
import { cursorBack, newestCursor, oldestCursor } from './feed-cursors';
import { runEditor } from './honest/editor';
import { runReader, type HonestContext } from './honest/readers';
import { ARCHIVE_DEPTH, SUBSCRIBERS, runSubscriber, subscriberState, type SubscriberState } from './honest/subscribers';
import type { HostileContext } from './hostile/common';
import { HOSTILES } from './hostile/index';
import { evaluate, type Invariant, type MemoryFigures, type RunData } from './invariants';
import { memoryAfterGc, peaks, socketCounts } from './measure';
import { HONEST_NET, HttpClient, loopback } from './net';
import { hostileReport, type AckedWrite, type HonestRequest, type HostileReport } from './records';
import { Rng } from './rng';
import { lastSeq, matches, readFeed, type TruthEntry } from './truth';

export interface ModeOptions {
  durationS: number;
  seed: number;
  /** Only these hostile clients (by name); all by default. */
  hostiles?: readonly string[];
  /** Settings added to the instances' environment. */
  env?: Record<string, string>;
  /** A directory to write each instance's output to (`<mode>-<slot>-<pid>.log`). */
  logDir?: string;
  log?: (message: string) => void;
}

export interface ModeResult {
  run: RunData;
  invariants: Invariant[];
}

const READERS = 4;
/** Memory is measured (after a full GC) this long before the end of the baseline and of the settle phase. */
const GC_LEAD_MS = 2_000;
/** How long the subscribers get to receive the last entries once the writes stop. */
const CATCH_UP_MS = 30_000;

/** One mode: start the deployment, run honest clients throughout and hostile ones in the middle, then judge. */
export async function runMode(mode: Mode, options: ModeOptions): Promise<ModeResult> {
  const say = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  say(`[attack ${mode}] starting the deployment`);
  const deployment = await Deployment.start(mode, { ...(options.env ? { env: options.env } : {}), log: (m) => say(`[attack ${mode}] ${m}`) });
  try {
    return await attack(mode, deployment, options, say);
  } finally {
    await deployment.destroy();
  }
}

async function attack(mode: Mode, deployment: Deployment, options: ModeOptions, say: (message: string) => void): Promise<ModeResult> {
  const rng = new Rng(options.seed);
  const setup = new HttpClient(loopback(HONEST_NET, 2));
  const first = deployment.pick(0)!;
  const [newest, history, oldest] = [await newestCursor(setup, first.url), await cursorBack(setup, first.url, ARCHIVE_DEPTH), await oldestCursor(setup, first.url)];
  setup.close();

  const clock = new Clock(options.durationS * 1000);
  const log = (message: string) => say(`[attack ${mode} ${clock.at()}] ${message}`);
  const requests: HonestRequest[] = [];
  const acked: AckedWrite[] = [];
  const honestCtx: HonestContext = { deployment, clock, rng, requests, log };
  const honestLife = new Lifetime();
  const editorLife = new Lifetime();
  const subscribers: SubscriberState[] = SUBSCRIBERS.map((spec) => subscriberState(spec, spec.fromHistory ? history : newest));
  const harnessErrors: string[] = [];
  const guard = (name: string) => (error: unknown) => {
    harnessErrors.push(`${name}: ${(error as Error).stack ?? String(error)}`);
    log(`HARNESS ERROR in ${name}: ${(error as Error).stack ?? String(error)}`);
  };
  const editor = runEditor(honestCtx, acked, editorLife).catch(guard('editor'));
  const honest = [
    ...Array.from({ length: READERS }, (_, i) => runReader(honestCtx, i, honestLife).catch(guard(`reader ${i}`))),
    ...subscribers.map((state, i) => runSubscriber(honestCtx, i, state, honestLife).catch(guard(`subscriber ${state.spec.name}`))),
  ];

  const samples: Array<{ at: number; slot: string; mib: number }> = [];
  let ticks = 0;
  const sampler = setInterval(() => {
    const at = Date.now();
    const now = deployment.rss();
    for (const sample of now) samples.push({ at, slot: sample.slot, mib: sample.mib });
    if (++ticks % 5 === 0) log(`RSS ${now.map((s) => `${s.slot} ${s.mib.toFixed(0)} MiB`).join(', ')}; honest requests ${requests.length}`);
  }, 1_000);

  log(`baseline: honest clients only (${READERS} readers, an editor, ${subscribers.length} subscribers)`);
  await new Lifetime().until(clock.hostileStart - GC_LEAD_MS);
  const baselineMemory = await memoryAfterGc(deployment);
  await new Lifetime().until(clock.hostileStart);

  const selected = HOSTILES.filter((h) => h.modes.includes(mode) && (!options.hostiles || options.hostiles.includes(h.name)));
  if (selected.length === 0) log('no hostile client selected: an honest-only run');
  log(`hostile phase: ${selected.map((h) => h.name).join(', ')}`);
  const hostileLife = new Lifetime();
  const hostileCtx: HostileContext = { deployment, clock, rng, oldCursor: oldest, log };
  const reports: HostileReport[] = selected.map((h) => hostileReport(h.name, h.what));
  const hostile = selected.map((h, i) => h.run(hostileCtx, reports[i]!, hostileLife).catch(guard(`hostile ${h.name}`)));
  const faultLog: string[] = [];
  const faults = mode === 'cluster' ? runFaults(deployment, clock, hostileLife, log, faultLog).catch(guard('faults')) : Promise.resolve();

  await new Lifetime().until(clock.settleStart);
  log('settle phase: hostile clients stop; honest clients go on');
  hostileLife.stop();
  await Promise.all([...hostile, faults]);

  await new Lifetime().until(clock.end - GC_LEAD_MS);
  const afterMemory = await memoryAfterGc(deployment);
  const sockets = await socketCounts(deployment);
  await new Lifetime().until(clock.end);
  clearInterval(sampler);
  const memoryFigures: MemoryFigures = { baseline: baselineMemory, after: afterMemory, peak: peaks(samples, clock) };

  log('end: the editor stops; waiting for the subscribers to catch up');
  editorLife.stop();
  await editor;
  const caughtUpAt = await catchUp(deployment, subscribers);
  honestLife.stop();
  await Promise.all(honest);

  const truth = await readFeed(deployment);
  log(`feed: ${truth.length} entries, last seq ${lastSeq(truth)}; stopping the instances (SIGTERM)`);
  const shutdown = await deployment.stopAll(15_000);
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    for (const p of deployment.processes) writeFileSync(path.join(options.logDir, `${mode}-${p.slot}-${p.pid}.log`), p.output());
  }

  const run: RunData = {
    mode,
    seed: options.seed,
    durationS: options.durationS,
    deployment,
    clock,
    requests,
    acked,
    subscribers,
    hostile: reports,
    truth,
    memory: memoryFigures,
    sockets,
    shutdown,
    faults: faultLog,
    catchUpMs: Math.max(0, caughtUpAt - clock.end),
  };
  const invariants = evaluate(run);
  if (harnessErrors.length) {
    invariants.push({ name: 'The suite itself ran without an error', held: false, figure: `${harnessErrors.length} harness errors`, evidence: harnessErrors.slice(0, 5) });
  }
  return { run, invariants };
}

/** Waits until every subscriber has the last committed entry its filter matches (or CATCH_UP_MS); returns when. */
async function catchUp(deployment: Deployment, subscribers: SubscriberState[]): Promise<number> {
  if (deployment.live().length === 0) return Date.now();
  const deadline = Date.now() + CATCH_UP_MS;
  let truth: TruthEntry[] = [];
  try {
    truth = await readFeed(deployment);
  } catch {
    return Date.now();
  }
  const owed = subscribers.map((sub) => truth.filter((e) => e.seq > sub.startSeq && matches(sub.spec.subscription, e)).at(-1)?.seq ?? sub.startSeq);
  while (Date.now() < deadline) {
    if (subscribers.every((sub, i) => sub.received.some((r) => r.seq >= owed[i]!) || owed[i] === sub.startSeq)) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Date.now();
}
