/**
 * Scenario 7, mixed load (issue 12 item 8): HTTP readers cycle through a skewed mix of the
 * (document, variables) pairs of scenarios 1-3 (the feed page, the country map, and the 256
 * history pairs: 258 distinct requests), ranked in that order and drawn with Zipf's law
 * (weight 1/rank^s, s = 1), in one fixed sequence every candidate gets. Meanwhile a separate
 * Borderwatch instance (the writer, on the load generator's CPU) commits one policy change a second
 * during every candidate's load, so PostgreSQL does the same work for all of them and every
 * Borderwatch instance of the run hears of each change through Redis: its response cache is emptied
 * every second, as in production with one editor at work. Per candidate: req/s, p50, p99; for
 * Borderwatch, the response cache's hit rate over the run (borderwatch_response_cache_lookups_total).
 */
import { CANDIDATES, startCandidate, type CandidateName, type RunningServer } from '../candidates';
import { MIXED_FROM, prng, requestBodies, type DatasetKeys, type Scenario } from '../documents';
import type { HttpLoadResult } from '../load/http-load';
import { changeInput, paced, postChange } from '../load/policy-writes';
import { log, postJson } from '../util';
import { checkAnswer, emptyCell, familyOf, fillCell, load, quiet, type HttpCell, type HttpSettings, type Servers } from './http';

export interface MixedSettings extends HttpSettings {
  /** changes a second committed through the writer during every load run */
  writeRate: number;
  /** Zipf exponent */
  zipf: number;
  /** requests in the fixed sequence (cycled) */
  sequenceLength: number;
}

export interface MixedCell extends HttpCell {
  /** response cache hits / lookups over the measured runs (Borderwatch with the cache on) */
  hitRate?: number;
  lookups?: number;
}

export interface MixedResults {
  distinct: number;
  zipf: number;
  writeRate: number;
  /** share of the requests going to the first, second and tenth ranked pair, and to the last 100 */
  shares: { first: number; second: number; tenth: number; last100: number };
  writes: number;
  writesFailed: number;
  cells: Partial<Record<CandidateName, MixedCell>>;
}

interface MixItem {
  scenario: Scenario;
  /** the request body per family */
  bodies: Record<'borderwatch' | 'postgraphile', string>;
}

/** The distinct requests, in rank order: the feed page, the country map, then the history pairs. */
function mixItems(keys: DatasetKeys): MixItem[] {
  const items: MixItem[] = [];
  for (const scenario of MIXED_FROM) {
    const bw = requestBodies('borderwatch', scenario, keys);
    const pgl = requestBodies('postgraphile', scenario, keys);
    bw.forEach((body, i) => items.push({ scenario, bodies: { borderwatch: body, postgraphile: pgl[i]! } }));
  }
  return items;
}

/** `length` ranks (0-based indices) drawn from Zipf's law over `n` items, from a fixed seed. */
export function zipfSequence(n: number, s: number, length: number, seed = 13): number[] {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= n; rank += 1) cumulative.push((total += 1 / rank ** s));
  const random = prng(seed);
  return Array.from({ length }, () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

/** Response cache lookups of a Borderwatch instance so far, from its /metrics. */
async function lookups(server: RunningServer): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
  const count = (result: string) => Number(new RegExp(`^borderwatch_response_cache_lookups_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { hit: count('hit'), miss: count('miss') };
}

export async function runMixed(
  servers: Servers,
  ctx: { databaseUrl: string; redisUrl: string; keys: DatasetKeys; editorToken: string },
  settings: MixedSettings,
): Promise<MixedResults> {
  const items = mixItems(ctx.keys);
  const sequence = zipfSequence(items.length, settings.zipf, settings.sequenceLength);
  const share = (test: (rank: number) => boolean) => sequence.filter(test).length / sequence.length;
  const results: MixedResults = {
    distinct: items.length,
    zipf: settings.zipf,
    writeRate: settings.writeRate,
    shares: { first: share((r) => r === 0), second: share((r) => r === 1), tenth: share((r) => r === 9), last100: share((r) => r >= items.length - 100) },
    writes: 0,
    writesFailed: 0,
    cells: {},
  };
  log(`scenario 7: ${items.length} distinct requests, Zipf s = ${settings.zipf}; shares: first ${(results.shares.first * 100).toFixed(1)}%, last 100 ${(results.shares.last100 * 100).toFixed(1)}%`);

  // Checked before load: the top-ranked requests (every scenario of the mix) and a few from the tail.
  const checked = [0, 1, 2, 3, items.length - 1];
  for (const name of CANDIDATES) {
    const server = servers.get(name)!;
    let error: string | null = null;
    for (const index of checked) {
      const item = items[index]!;
      const answer = await postJson(server.url, JSON.parse(item.bodies[familyOf(name)]));
      error ??= checkAnswer(item.scenario, answer.status, answer.text);
    }
    results.cells[name] = emptyCell(NaN, NaN);
    if (error) {
      Object.assign(results.cells[name]!, { ok: false, error });
      log(`${name} scenario 7: WRONG ANSWER, skipped: ${error}`);
    }
  }

  const writer = await startCandidate('borderwatch', { databaseUrl: ctx.databaseUrl, redisUrl: ctx.redisUrl, cpus: settings.loadCpus }, 'writer');
  let next = 0;
  /** One load run with the writer committing `writeRate` changes a second for as long as it lasts. */
  const loadWithWrites = async (server: RunningServer, bodies: string[], durationS: number): Promise<HttpLoadResult> => {
    let done = false;
    const offset = next;
    next += Math.ceil(settings.writeRate * (durationS + 60));
    const writes = paced(settings.writeRate, durationS + 60, (i) => postChange(writer.url, ctx.editorToken, changeInput(offset + i, ctx.keys.countryCodes, 'mixed')), () => done);
    try {
      return await load(server.url, bodies, settings.connections, durationS, settings, sequence);
    } finally {
      done = true;
      const { sent, failed } = await writes;
      results.writes += sent;
      results.writesFailed += failed;
    }
  };

  try {
    const names = CANDIDATES.filter((name) => results.cells[name]!.ok);
    const bodiesOf = (name: CandidateName) => items.map((item) => item.bodies[familyOf(name)]);
    const everyServer = [...servers.values()];
    for (const name of names) {
      await loadWithWrites(servers.get(name)!, bodiesOf(name), settings.warmupS);
      await quiet(everyServer);
    }
    const runs = new Map<CandidateName, HttpLoadResult[]>();
    const cache = new Map<CandidateName, { hit: number; miss: number }>();
    for (let run = 0; run < settings.runs; run += 1) {
      for (const name of names) {
        const server = servers.get(name)!;
        const counted = name === 'borderwatch';
        const before = counted ? await lookups(server) : null;
        const result = await loadWithWrites(server, bodiesOf(name), settings.durationS);
        if (before) {
          const after = await lookups(server);
          const sum = cache.get(name) ?? { hit: 0, miss: 0 };
          cache.set(name, { hit: sum.hit + after.hit - before.hit, miss: sum.miss + after.miss - before.miss });
        }
        await quiet(everyServer);
        log(`mixed ${name} run ${run + 1}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms`);
        runs.set(name, [...(runs.get(name) ?? []), result]);
      }
    }
    for (const name of names) {
      const cell = results.cells[name]!;
      const list = runs.get(name)!;
      fillCell(cell, list);
      cell.bytes = list.reduce((sum, r) => sum + r.bytesPerResponse, 0) / list.length;
      const counts = cache.get(name);
      if (counts) Object.assign(cell, { lookups: counts.hit + counts.miss, hitRate: counts.hit / (counts.hit + counts.miss) });
    }
    log(`scenario 7: ${results.writes} changes written during the loads (${results.writesFailed} failed)`);
    return results;
  } finally {
    await writer.stop();
  }
}
