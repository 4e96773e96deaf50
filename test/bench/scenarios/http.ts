/**
 * Scenarios 1-3 and 2b over HTTP: every candidate server up at once (pinned to the same CPU), the
 * load generator in its own process on the other CPU; runs interleaved across candidates so
 * that noise from the machine falls on all of them alike. Per run: req/s, p50, p99. Each scenario
 * also loads a bare node:http server sending Borderwatch's answer to it (the HTTP limit).
 * The same servers then serve the write floor and scenario 7 (run.ts).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CANDIDATES, startCandidate, type CandidateName, type RunningServer } from '../candidates';
import { requestBodies, SCENARIOS, type DatasetKeys, type Family, type Scenario } from '../documents';
import type { HttpLoadConfig, HttpLoadResult } from '../load/http-load';
import { log, postJson, probeStats, runJsonWorker, spread, TMP_DIR, type Spread } from '../util';

export interface HttpSettings {
  connections: number;
  warmupS: number;
  durationS: number;
  runs: number;
  serverCpus: string | undefined;
  loadCpus: string | undefined;
}

export interface HttpCell {
  ok: boolean;
  error?: string;
  bytes: number;
  statementsPerRequest: number;
  rps: Spread;
  p50: Spread;
  p99: Spread;
  non2xx: number;
  errors: number;
}

export type HttpResults = Partial<Record<Scenario, Partial<Record<CandidateName | 'static', HttpCell>>>>;

export type Servers = Map<CandidateName, RunningServer>;

export const familyOf = (name: CandidateName | 'static'): Family => (name === 'postgraphile' ? 'postgraphile' : 'borderwatch');

/** The list a scenario's answer must fill: edges of a connection, destinations of a passport (PostGraphile: nodes). */
function listOf(root: Record<string, unknown>): unknown[] | undefined {
  const list = root.edges ?? root.destinations ?? root.nodes;
  return Array.isArray(list) ? list : undefined;
}

const MIN_ITEMS: Record<Scenario, number> = { feed: 50, countries: 200, passport: 100, history: 0 };

/** Checks an answer is real data (no errors, the expected root field, a full list, not an error page). */
export function checkAnswer(scenario: Scenario, status: number, text: string): string | null {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
  const root = Object.values(body.data ?? {})[0] as Record<string, unknown> | null;
  if (!root) return 'no data';
  if (MIN_ITEMS[scenario] > 0) {
    const list = listOf(root);
    if (!list || list.length < MIN_ITEMS[scenario]) return `only ${list?.length} items`;
  }
  return null;
}

/** Every candidate, started at once on the same CPU. */
export async function startServers(databaseUrl: string, redisUrl: string, settings: HttpSettings): Promise<Servers> {
  const servers: Servers = new Map();
  try {
    for (const name of CANDIDATES) {
      log(`starting ${name}`);
      servers.set(
        name,
        await startCandidate(name, {
          databaseUrl,
          redisUrl,
          cpus: settings.serverCpus,
          // No relay polling: its two statements a second would blur the statement counts. Writes made
          // elsewhere (scenario 7) still reach Borderwatch's relay through Redis, as between instances.
          env: name.startsWith('borderwatch') ? { FEED_POLL_MS: '3600000' } : {},
        }),
      );
    }
    return servers;
  } catch (error) {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    throw error;
  }
}

export async function runHttpScenarios(databaseUrl: string, servers: Servers, keys: DatasetKeys, settings: HttpSettings): Promise<HttpResults> {
  const results: HttpResults = {};
  const bodies = new Map<string, string[]>();
  for (const scenario of SCENARIOS) {
    results[scenario] = {};
    for (const name of CANDIDATES) bodies.set(`${scenario}/${name}`, requestBodies(familyOf(name), scenario, keys));
  }

  // Correctness first, and SQL statements per request (probe count over sequential requests).
  mkdirSync(TMP_DIR, { recursive: true });
  for (const scenario of SCENARIOS) {
    for (const name of CANDIDATES) {
      const server = servers.get(name)!;
      const list = bodies.get(`${scenario}/${name}`)!;
      let error: string | null = null;
      let bytes = 0;
      const before = (await probeStats(server.probePort)).queries;
      const samples = list.length > 1 ? 8 : 4;
      for (let i = 0; i < samples && !error; i += 1) {
        const answer = await postJson(server.url, JSON.parse(list[i % list.length]!));
        error = checkAnswer(scenario, answer.status, answer.text);
        bytes += Buffer.byteLength(answer.text);
        // Borderwatch's answer is what the HTTP limit sends, byte for byte.
        if (name === 'borderwatch' && i === 0) writeFileSync(staticBody(scenario), answer.text);
      }
      const after = (await probeStats(server.probePort)).queries;
      const cell = emptyCell(bytes / samples, (after - before) / samples);
      if (error) {
        cell.ok = false;
        cell.error = error;
        log(`${name} ${scenario}: WRONG ANSWER, skipped: ${error}`);
      }
      results[scenario]![name] = cell;
    }
  }

  const everyServer = [...servers.values()];
  for (const scenario of SCENARIOS) {
    const cells = results[scenario]!;
    // Limit: node:http answering with Borderwatch's answer to this scenario, precomputed.
    const limit = cells.borderwatch?.ok
      ? await startCandidate('static', { databaseUrl, cpus: settings.serverCpus, env: { BENCH_STATIC_BODY: staticBody(scenario) } }, `static-${scenario}`)
      : null;
    try {
      const targets = new Map<CandidateName | 'static', { url: string; bodies: string[] }>();
      for (const name of CANDIDATES) if (cells[name]!.ok) targets.set(name, { url: servers.get(name)!.url, bodies: bodies.get(`${scenario}/${name}`)! });
      if (limit) {
        cells.static = emptyCell(cells.borderwatch!.bytes, 0);
        targets.set('static', { url: limit.url, bodies: bodies.get(`${scenario}/borderwatch`)! });
      }
      const runs = new Map<string, HttpLoadResult[]>();
      for (const target of targets.values()) {
        await load(target.url, target.bodies, settings.connections, settings.warmupS, settings);
        await quiet(everyServer);
      }
      for (let run = 0; run < settings.runs; run += 1) {
        for (const [name, target] of targets) {
          const result = await load(target.url, target.bodies, settings.connections, settings.durationS, settings);
          // A server still working off requests the load generator gave up on would slow the next candidate's run.
          await quiet(everyServer);
          log(`${scenario} ${name} run ${run + 1}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms`);
          runs.set(name, [...(runs.get(name) ?? []), result]);
        }
      }
      for (const name of targets.keys()) fillCell(cells[name]!, runs.get(name)!);
    } finally {
      await limit?.stop();
    }
  }
  return results;
}

const staticBody = (scenario: Scenario) => path.join(TMP_DIR, `static-${scenario}.json`);

/** Medians and spreads of a cell's runs. */
export function fillCell(cell: HttpCell, list: HttpLoadResult[]): void {
  cell.rps = spread(list.map((r) => r.requestsPerSecond));
  cell.p50 = spread(list.map((r) => r.latencyP50));
  cell.p99 = spread(list.map((r) => r.latencyP99));
  cell.non2xx = list.reduce((sum, r) => sum + r.non2xx, 0);
  cell.errors = list.reduce((sum, r) => sum + r.errors + r.timeouts, 0);
}

/**
 * Waits until no server is still busy (no SQL statement and under 10% of a core over 300 ms):
 * when a run ends, a slow server may still hold dozens of abandoned requests, each with its
 * queries; they must not fall on the next candidate's run.
 */
export async function quiet(servers: RunningServer[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const sample = () => Promise.all(servers.map((s) => probeStats(s.probePort).catch(() => null)));
  let before = await sample();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await sample();
    const busy = after.some((a, i) => {
      const b = before[i];
      if (!a || !b) return false;
      const cpu = (a.cpuUser + a.cpuSystem - b.cpuUser - b.cpuSystem) / 1000 / 300;
      return a.queries !== b.queries || cpu > 0.1;
    });
    before = after;
    if (!busy) return;
  }
  log('servers still busy after two minutes; going on');
}

export function emptyCell(bytes: number, statementsPerRequest: number): HttpCell {
  const none = spread([NaN]);
  return { ok: true, bytes, statementsPerRequest, rps: none, p50: none, p99: none, non2xx: 0, errors: 0 };
}

/** One load run in its own process; `sequence` (indices into `bodies`) orders the requests, else they cycle. */
export function load(url: string, bodies: string[], connections: number, durationS: number, settings: HttpSettings, sequence?: number[]): Promise<HttpLoadResult> {
  const config: HttpLoadConfig = { url, bodies, connections, durationS, ...(sequence ? { sequence } : {}) };
  return runJsonWorker<HttpLoadResult>('load/http-load.js', config, { cpus: settings.loadCpus, timeoutMs: (durationS + 60) * 1000 });
}
