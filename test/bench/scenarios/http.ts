/**
 * Scenarios 1-3 over HTTP: every candidate server up at once (pinned to the same CPU), the
 * load generator in its own process on the other CPU; runs interleaved across candidates so
 * that noise from the machine falls on all of them alike. Per run: req/s, p50, p99.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CANDIDATES, startCandidate, type CandidateName, type RunningServer } from '../candidates';
import { requestBodies, SCENARIOS, type Family, type Scenario } from '../documents';
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

export type HttpResults = Record<Scenario, Partial<Record<CandidateName | 'static', HttpCell>>>;

const familyOf = (name: CandidateName | 'static'): Family => (name === 'postgraphile' ? 'postgraphile' : 'borderwatch');

/** Checks an answer is real data (no errors, the expected root field, not an error page). */
function checkAnswer(scenario: Scenario, status: number, text: string): string | null {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
  const root = Object.values(body.data ?? {})[0] as Record<string, unknown> | null;
  if (!root) return 'no data';
  if (scenario !== 'history') {
    const edges = root.edges as unknown[];
    if (!Array.isArray(edges) || edges.length < (scenario === 'feed' ? 50 : 200)) return `only ${edges?.length} edges`;
  }
  return null;
}

export async function runHttpScenarios(databaseUrl: string, redisUrl: string, countryCodes: string[], settings: HttpSettings): Promise<HttpResults> {
  const servers = new Map<CandidateName | 'static', RunningServer>();
  const results = {} as HttpResults;
  try {
    for (const name of CANDIDATES) {
      log(`starting ${name}`);
      servers.set(
        name,
        await startCandidate(name, {
          databaseUrl,
          redisUrl,
          cpus: settings.serverCpus,
          // No relay polling during the HTTP scenarios: its two statements a second would blur the statement counts.
          env: name.startsWith('borderwatch') ? { FEED_POLL_MS: '3600000' } : {},
        }),
      );
    }
    const bodies = new Map<string, string[]>();
    for (const scenario of SCENARIOS) {
      results[scenario] = {};
      for (const name of CANDIDATES) bodies.set(`${scenario}/${name}`, requestBodies(familyOf(name), scenario, countryCodes));
    }

    // Correctness first, and SQL statements per request (probe count over sequential requests).
    for (const scenario of SCENARIOS) {
      for (const name of CANDIDATES) {
        const server = servers.get(name)!;
        const list = bodies.get(`${scenario}/${name}`)!;
        let error: string | null = null;
        let bytes = 0;
        const before = (await probeStats(server.probePort)).queries;
        const samples = scenario === 'history' ? 8 : 4;
        for (let i = 0; i < samples && !error; i += 1) {
          const answer = await postJson(server.url, JSON.parse(list[i % list.length]!));
          error = checkAnswer(scenario, answer.status, answer.text);
          bytes += Buffer.byteLength(answer.text);
          if (scenario === 'feed' && name === 'borderwatch' && i === 0) {
            mkdirSync(TMP_DIR, { recursive: true });
            writeFileSync(path.join(TMP_DIR, 'feed-response.json'), answer.text);
          }
        }
        const after = (await probeStats(server.probePort)).queries;
        const cell = emptyCell(bytes / samples, (after - before) / samples);
        if (error) {
          cell.ok = false;
          cell.error = error;
          log(`${name} ${scenario}: WRONG ANSWER, skipped: ${error}`);
        }
        results[scenario][name] = cell;
      }
    }

    // Limit: node:http answering with Borderwatch's feed page, precomputed.
    servers.set(
      'static',
      await startCandidate('static', { databaseUrl, cpus: settings.serverCpus, env: { BENCH_STATIC_BODY: path.join(TMP_DIR, 'feed-response.json') } }),
    );
    results.feed.static = emptyCell(results.feed.borderwatch!.bytes, 0);
    bodies.set('feed/static', bodies.get('feed/borderwatch')!);

    for (const scenario of SCENARIOS) {
      const names = [...CANDIDATES, ...(scenario === 'feed' ? (['static'] as const) : [])].filter((n) => results[scenario][n]!.ok);
      const runs = new Map<string, HttpLoadResult[]>();
      const everyServer = [...servers.values()];
      for (const name of names) {
        const server = servers.get(name)!;
        await load(server.url, bodies.get(`${scenario}/${name}`)!, settings.connections, settings.warmupS, settings);
        await quiet(everyServer);
      }
      for (let run = 0; run < settings.runs; run += 1) {
        for (const name of names) {
          const server = servers.get(name)!;
          const result = await load(server.url, bodies.get(`${scenario}/${name}`)!, settings.connections, settings.durationS, settings);
          // A server still working off requests the load generator gave up on would slow the next candidate's run.
          await quiet(everyServer);
          log(`${scenario} ${name} run ${run + 1}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms`);
          runs.set(name, [...(runs.get(name) ?? []), result]);
        }
      }
      for (const name of names) {
        const list = runs.get(name)!;
        const cell = results[scenario][name]!;
        cell.rps = spread(list.map((r) => r.requestsPerSecond));
        cell.p50 = spread(list.map((r) => r.latencyP50));
        cell.p99 = spread(list.map((r) => r.latencyP99));
        cell.non2xx = list.reduce((sum, r) => sum + r.non2xx, 0);
        cell.errors = list.reduce((sum, r) => sum + r.errors + r.timeouts, 0);
      }
    }
    return results;
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}

/**
 * Waits until no server is still busy (no SQL statement and under 10% of a core over 300 ms):
 * when a run ends, a slow server may still hold dozens of abandoned requests, each with its
 * queries; they must not fall on the next candidate's run.
 */
async function quiet(servers: RunningServer[], timeoutMs = 120_000): Promise<void> {
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

function emptyCell(bytes: number, statementsPerRequest: number): HttpCell {
  const none = spread([NaN]);
  return { ok: true, bytes, statementsPerRequest, rps: none, p50: none, p99: none, non2xx: 0, errors: 0 };
}

function load(url: string, bodies: string[], connections: number, durationS: number, settings: HttpSettings): Promise<HttpLoadResult> {
  const config: HttpLoadConfig = { url, bodies, connections, durationS };
  return runJsonWorker<HttpLoadResult>('load/http-load.js', config, { cpus: settings.loadCpus, timeoutMs: (durationS + 60) * 1000 });
}
