/** The report: bench-results/<date>[-quick].json and .md, and the README's Performance section. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CANDIDATE_TITLES, CANDIDATES } from './candidates';
import { SCENARIO_TITLES, SCENARIOS } from './documents';
import type { Limits } from './limits';
import type { FanoutResult } from './scenarios/fanout';
import type { HttpCell, HttpResults } from './scenarios/http';
import type { MemoryResult } from './scenarios/memory';
import type { MixedResults } from './scenarios/mixed';
import type { StartResult } from './scenarios/start';
import type { WriteResults } from './scenarios/writes';
import { NODE22, ROOT } from './util';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  node22: string;
  postgres: string;
  redis: string;
  pinning: string;
}

export interface BenchReport {
  date: string;
  mode: 'full' | 'quick';
  settings: unknown;
  machine: Machine;
  dataset: { counts: Record<string, number>; seedMs: number; generateMs: number };
  limits?: Limits;
  http?: HttpResults;
  writes?: WriteResults;
  mixed?: MixedResults;
  fanout?: { borderwatch?: FanoutResult; relay?: FanoutResult };
  memory?: { borderwatch?: MemoryResult; relay?: MemoryResult };
  start?: StartResult;
  targets: Target[];
  durationS: number;
  notes: string[];
}

export interface Target {
  /** the issue that set it: 12 (and 13's passport map, held to the same), or the earlier 7 */
  issue: 7 | 12;
  scenario: string;
  target: string;
  value: string;
  met: boolean | null;
}

export function machineInfo(pinning: string, postgresVersion: string): Machine {
  const cmd = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    node22: cmd(NODE22, ['--version']),
    postgres: postgresVersion,
    redis: /v=([\d.]+)/.exec(cmd('redis-server', ['--version']))?.[1] ?? 'unknown',
    pinning,
  };
}

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : a > 0 && b === 0 ? '∞ (none of its requests ended within a run)' : '–');
const kib = (bytes: number) => `${fmt(bytes / 1024, 1)} KiB`;
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;
const SERVER_TITLES = { borderwatch: 'Borderwatch', relay: 'bare ws + Redis relay' } as const;

const scenarioLabel = (scenario: keyof typeof SCENARIO_TITLES) => SCENARIO_TITLES[scenario].split(':')[0]!;
const judged = (a: number, b: number, test: (a: number, b: number) => boolean) => (Number.isFinite(a) && Number.isFinite(b) ? test(a, b) : null);
const rpsOf = (cell: HttpCell | undefined) => (cell?.ok ? cell.rps.median : NaN);
const p99Of = (cell: HttpCell | undefined) => (cell?.ok ? cell.p99.median : NaN);

/** Issue 12's targets (scenario 2b, issue 13's passport map, is held to those of scenarios 1-3), then issue 7's that remain. */
export function evaluateTargets(report: BenchReport): Target[] {
  const targets: Target[] = [];
  const http = report.http;
  const atLeast = (issue: 7 | 12, scenario: string, target: string, a: number, b: number, factor: number): Target => ({
    issue,
    scenario,
    target,
    value: ratio(a, b),
    met: judged(a, b, (x, y) => x >= factor * y),
  });
  const p99AtMost = (issue: 7 | 12, scenario: string, target: string, a: number, b: number, factor = 1): Target => ({
    issue,
    scenario,
    target,
    value: `${fmt(a)} ms vs ${fmt(b)} ms`,
    met: judged(a, b, (x, y) => x <= factor * y),
  });

  // Issue 12: every target has a row, "not run" when the part did not run (a partial or older run).
  const notRun = (scenario: string, ...names: string[]) => names.forEach((target) => targets.push({ issue: 12, scenario, target, value: 'not run', met: null }));
  for (const scenario of SCENARIOS) {
    const cells = http?.[scenario];
    if (!cells) {
      notRun(`${scenarioLabel(scenario)}, cache off`, 'req/s ≥ 1.0× PostGraphile', 'req/s ≥ 0.8× floor', 'p99 ≤ PostGraphile p99', 'one SQL statement per request');
      notRun(`${scenarioLabel(scenario)}, defaults`, 'req/s ≥ 0.5× bare node:http limit (same body)');
      continue;
    }
    const off = cells['borderwatch-uncached'];
    const name = `${scenarioLabel(scenario)}, cache off`;
    targets.push(atLeast(12, name, 'req/s ≥ 1.0× PostGraphile', rpsOf(off), rpsOf(cells.postgraphile), 1));
    targets.push(atLeast(12, name, 'req/s ≥ 0.8× floor', rpsOf(off), rpsOf(cells.floor), 0.8));
    targets.push(p99AtMost(12, name, 'p99 ≤ PostGraphile p99', p99Of(off), p99Of(cells.postgraphile)));
    const statements = off?.ok ? off.statementsPerRequest : NaN;
    targets.push({ issue: 12, scenario: name, target: 'one SQL statement per request', value: fmt(statements, 1), met: Number.isFinite(statements) ? statements <= 1 : null });
    if (cells.static) targets.push(atLeast(12, `${scenarioLabel(scenario)}, defaults`, 'req/s ≥ 0.5× bare node:http limit (same body)', rpsOf(cells.borderwatch), rpsOf(cells.static), 0.5));
    else notRun(`${scenarioLabel(scenario)}, defaults`, 'req/s ≥ 0.5× bare node:http limit (same body)');
  }
  const mixed = report.mixed?.cells;
  if (mixed) {
    targets.push(atLeast(12, '7. Mixed load, defaults', 'req/s ≥ 2× PostGraphile', rpsOf(mixed.borderwatch), rpsOf(mixed.postgraphile), 2));
    targets.push(p99AtMost(12, '7. Mixed load, defaults', 'p99 ≤ PostGraphile p99', p99Of(mixed.borderwatch), p99Of(mixed.postgraphile)));
  } else notRun('7. Mixed load, defaults', 'req/s ≥ 2× PostGraphile', 'p99 ≤ PostGraphile p99');
  const writes = report.writes;
  if (!writes) notRun('Writes', "CPU per recordPolicyChange ≤ 2× the write floor's");
  else {
    const bw = writes.borderwatch?.ok ? writes.borderwatch.cpuMs.median : NaN;
    const floor = writes.floor?.ok ? writes.floor.cpuMs.median : NaN;
    targets.push({
      issue: 12,
      scenario: 'Writes',
      target: "CPU per recordPolicyChange ≤ 2× the write floor's",
      value: `${fmt(bw, 2)} ms vs ${fmt(floor, 2)} ms = ${ratio(bw, floor)}`,
      met: judged(bw, floor, (x, y) => x <= 2 * y),
    });
  }
  const fan = report.fanout?.borderwatch;
  const relay = report.fanout?.relay;
  if (fan) {
    const mid = fan.mid;
    const scenario = `4. Fan-out, ${mid?.rate ?? '?'} changes/s to ${fmt(fan.subscribers)} subscribers`;
    targets.push({
      issue: 12,
      scenario,
      target: 'delivered = expected, nothing out of order',
      value: mid ? `${mid.deliveredRatio.toFixed(4)}${mid.outOfOrder || mid.unexpected ? ` (${mid.outOfOrder} out of order, ${mid.unexpected} unexpected)` : ''}` : 'not run',
      met: mid ? mid.deliveredRatio === 1 && mid.outOfOrder === 0 && mid.unexpected === 0 : false,
    });
    targets.push(p99AtMost(12, scenario, "p99 ≤ 2× the bare relay's p99", mid?.latencyP99 ?? NaN, relay?.mid?.latencyP99 ?? NaN, 2));
  } else notRun('4. Fan-out, 10 changes/s to 10,000 subscribers', 'delivered = expected, nothing out of order', "p99 ≤ 2× the bare relay's p99");
  const mem = report.memory?.borderwatch;
  const bare = report.memory?.relay;
  if (mem) {
    targets.push({
      issue: 12,
      scenario: '5. Memory',
      target: '≤ 1.5× bare ws per idle subscribed socket',
      value: bare ? ratio(mem.perSocketRss, bare.perSocketRss) : 'not run',
      met: bare && Number.isFinite(bare.perSocketRss) ? mem.perSocketRss <= 1.5 * bare.perSocketRss : null,
    });
  } else notRun('5. Memory', '≤ 1.5× bare ws per idle subscribed socket');
  if (report.start) {
    targets.push({ issue: 12, scenario: '6. Start', target: 'fresh embedded start < 10 s to the first answer', value: `${fmt(report.start.npmStartMs / 1000, 1)} s`, met: report.start.npmStartMs < 10_000 });
  } else notRun('6. Start', 'fresh embedded start < 10 s to the first answer');

  // Issue 7's, where issue 12 set none or a stricter one.
  for (const scenario of SCENARIOS) {
    const cells = http?.[scenario];
    if (!cells) continue;
    for (const [ours, suffix] of [['borderwatch', ', defaults'], ['borderwatch-uncached', ', cache off']] as const) {
      if (!cells[ours]) continue;
      const name = scenarioLabel(scenario) + suffix;
      targets.push(atLeast(7, name, 'req/s ≥ 5× naive', rpsOf(cells[ours]), rpsOf(cells.naive), 5));
      if (ours === 'borderwatch') {
        targets.push(atLeast(7, name, 'req/s ≥ PostGraphile', rpsOf(cells[ours]), rpsOf(cells.postgraphile), 1));
        targets.push(atLeast(7, name, 'req/s ≥ ½ floor', rpsOf(cells[ours]), rpsOf(cells.floor), 0.5));
        targets.push(p99AtMost(7, name, 'p99 ≤ PostGraphile p99', p99Of(cells[ours]), p99Of(cells.postgraphile)));
      }
    }
  }
  if (fan) {
    const high = fan.high;
    targets.push({ issue: 7, scenario: '4. Fan-out', target: `delivered/expected = 1 at ${high?.rate ?? '?'} changes/s`, value: high ? high.deliveredRatio.toFixed(4) : 'not run', met: high ? high.deliveredRatio === 1 && high.unexpected === 0 && high.outOfOrder === 0 : false });
    targets.push({ issue: 7, scenario: '4. Fan-out', target: `p99 commit-to-delivery < 50 ms at ${fan.subscribers} subscribers, ${high?.rate ?? '?'} changes/s`, value: high ? `${fmt(high.latencyP99)} ms` : 'not run', met: high ? high.latencyP99 < 50 : false });
    const low = fan.low;
    targets.push({ issue: 7, scenario: '4. Fan-out', target: `(same, at ${low?.rate ?? '?'} change/s)`, value: low ? `${fmt(low.latencyP99)} ms; delivered ${low.deliveredRatio.toFixed(4)}` : 'not run', met: low ? low.latencyP99 < 50 && low.deliveredRatio === 1 : false });
    const mid = fan.mid;
    const measurable = mid && relay?.mid && Number.isFinite(mid.deliveriesPerFanoutCpuSecond) && Number.isFinite(relay.mid.deliveriesPerFanoutCpuSecond);
    targets.push({
      issue: 7,
      scenario: '4. Fan-out',
      target: `deliveries per CPU-second (the writes' own CPU excluded) ≥ ½ bare relay, at ${mid?.rate ?? '?'} changes/s`,
      value: measurable ? ratio(mid.deliveriesPerFanoutCpuSecond, relay.mid!.deliveriesPerFanoutCpuSecond) : 'not measurable',
      met: measurable ? mid.deliveriesPerFanoutCpuSecond >= 0.5 * relay.mid!.deliveriesPerFanoutCpuSecond : null,
    });
    targets.push({
      issue: 7,
      scenario: '4. Fan-out',
      target: `CPU < 50% of 2 cores at ${fan.low?.rate ?? 1} change/s`,
      value: fan.low ? `${fmt(fan.low.cpuShareOfTwoCores * 100, 1)}%` : 'not run',
      met: fan.low ? fan.low.cpuShareOfTwoCores < 0.5 : false,
    });
  }
  if (mem) {
    targets.push({ issue: 7, scenario: '5. Memory', target: '< 20 KiB per idle subscribed socket', value: kib(mem.perSocketRss), met: Number.isFinite(mem.perSocketRss) ? mem.perSocketRss < 20 * 1024 : false });
  }
  return targets;
}

export function markdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`Run ${report.date} (${report.mode} mode, ${fmt(report.durationS)} s) on ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}; ` +
    `Node ${m.node} (PostGraphile on ${m.node22}), PostgreSQL ${m.postgres}, Redis ${m.redis}; ${m.pinning}.`);
  lines.push('');
  const c = report.dataset.counts;
  lines.push(`Dataset: ${fmt(c.country ?? NaN)} countries, ${fmt(c.policy ?? NaN)} policy versions, ${fmt(c.statement ?? NaN)} statements, ${fmt(c.event ?? NaN)} events, ` +
    `${fmt(c.source ?? NaN)} sources, ${fmt(c.feed_entry ?? NaN)} feed entries (seed ${fmt(report.dataset.seedMs / 1000, 1)} s + generated ${fmt(report.dataset.generateMs / 1000, 1)} s).`);
  lines.push('');
  for (const note of report.notes) lines.push(`> ${note}`);
  if (report.notes.length) lines.push('');
  if (report.http) {
    const settings = report.settings as { http?: { connections: number; durationS: number; runs: number; warmupS: number } };
    const h = settings.http;
    lines.push(`### Scenarios 1–3${report.http.passport ? ' and 2b' : ''} (HTTP, ${h?.connections} connections, ${h?.runs} runs of ${h?.durationS} s after ${h?.warmupS} s warm-up; median, min–max)`);
    lines.push('');
    lines.push('| scenario | candidate | req/s | p50 ms | p99 ms | SQL statements / request | bytes / response | Borderwatch ÷ this | cache off ÷ this |');
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|');
    for (const scenario of SCENARIOS) {
      const cells = report.http[scenario];
      if (!cells) continue;
      const bw = cells.borderwatch;
      const uncached = cells['borderwatch-uncached'];
      for (const name of [...CANDIDATES, 'static'] as const) {
        const cell = cells[name];
        if (!cell) continue;
        const title = name === 'static' ? "Limit: node:http sending Borderwatch's answer, precomputed" : CANDIDATE_TITLES[name];
        if (!cell.ok) {
          lines.push(`| ${SCENARIO_TITLES[scenario]} | ${title} | wrong answer: ${cell.error?.replace(/\|/g, '/').slice(0, 80)} | | | | | | |`);
          continue;
        }
        lines.push(
          `| ${SCENARIO_TITLES[scenario]} | ${title} | ${fmt(cell.rps.median, cell.rps.median < 10 ? 1 : 0)} (${fmt(cell.rps.min, cell.rps.min < 10 ? 1 : 0)}–${fmt(cell.rps.max, cell.rps.max < 10 ? 1 : 0)}) | ${fmt(cell.p50.median)} | ${fmt(cell.p99.median)} (${fmt(cell.p99.min)}–${fmt(cell.p99.max)}) | ` +
            `${name === 'static' ? '–' : fmt(cell.statementsPerRequest, 1)} | ${fmt(cell.bytes)} | ${name === 'borderwatch' ? '' : ratio(bw?.rps.median ?? NaN, cell.rps.median)} | ${name === 'borderwatch-uncached' ? '' : ratio(uncached?.rps.median ?? NaN, cell.rps.median)} |`,
        );
      }
    }
    lines.push('');
  }
  if (report.limits) {
    const l = report.limits;
    lines.push('### Limits measured in the same run');
    lines.push('');
    lines.push('| limit | result |');
    lines.push('|---|--:|');
    if (l.pgbench) lines.push(`| \`pgbench -S -M prepared -c 8 -j 2\` (scale ${l.pgbench.scale}, ${l.pgbench.durationS} s) | ${fmt(l.pgbench.tps)} tps |`);
    if (l.pgPoolFeed) lines.push(`| Node pg pool (10), the feed page's SQL, ${l.pgPoolFeed.concurrency} loops | ${fmt(l.pgPoolFeed.queriesPerSecond)} queries/s (p50 ${fmt(l.pgPoolFeed.p50, 1)} ms, p99 ${fmt(l.pgPoolFeed.p99, 1)} ms) |`);
    for (const r of l.redisPublish ?? []) lines.push(`| \`redis-benchmark -c 50 -P ${r.pipeline} publish\` (200 B) | ${fmt(r.rps)} publishes/s |`);
    for (const scenario of SCENARIOS) {
      const stat = report.http?.[scenario]?.static;
      if (stat?.ok) lines.push(`| bare node:http, precomputed ${fmt(stat.bytes)} B body (scenario ${scenarioLabel(scenario).split('.')[0]}'s), same load | ${fmt(stat.rps.median)} req/s |`);
    }
    const relay = report.fanout?.relay?.high;
    if (relay) lines.push(`| bare ws + ioredis relay, 2 processes | ${fmt(relay.deliveriesPerCpuSecond)} deliveries per CPU-second |`);
    const bwFan = report.fanout?.borderwatch;
    if (bwFan?.cpuPerWrite) lines.push(`| one recordPolicyChange through the API, no subscriber (both instances' CPU) | ${fmt(bwFan.cpuPerWrite * 1000, 2)} ms CPU |`);
    for (const error of l.errors) lines.push(`| error | ${error.replace(/\|/g, '/').slice(0, 200)} |`);
    lines.push('');
  }
  if (report.writes) {
    const w = report.writes;
    lines.push(`### Write floor: recordPolicyChange (${w.runs} runs of ${w.durationS} s at ${w.rate} writes/s each; median, min–max)`);
    lines.push('');
    lines.push('| server | writes (failed) | CPU per write, server process | CPU per write, PostgreSQL | SQL statements / write | p50 ms | p99 ms | ÷ floor (process CPU) |');
    lines.push('|---|--:|--:|--:|--:|--:|--:|--:|');
    const floorCpu = w.floor?.ok ? w.floor.cpuMs.median : NaN;
    for (const [name, label] of [['borderwatch', 'Borderwatch (API, defaults)'], ['floor', 'Floor (graphql-js + pg, one PL/pgSQL call)']] as const) {
      const cell = w[name];
      if (!cell) continue;
      if (!cell.ok) {
        lines.push(`| ${label} | wrong answer: ${cell.error?.replace(/\|/g, '/').slice(0, 80)} | | | | | | |`);
        continue;
      }
      const ms = (x: { median: number; min: number; max: number }) => `${fmt(x.median, 2)} ms (${fmt(x.min, 2)}–${fmt(x.max, 2)})`;
      lines.push(
        `| ${label} | ${fmt(cell.writes)} (${fmt(cell.failed)}) | ${ms(cell.cpuMs)} | ${ms(cell.dbCpuMs)} | ${fmt(cell.statementsPerWrite, 1)} | ${fmt(cell.p50Ms)} | ${fmt(cell.p99Ms)} | ${name === 'floor' ? '' : ratio(cell.cpuMs.median, floorCpu)} |`,
      );
    }
    lines.push('');
    lines.push(`The database's invariants after every write of both (gapless feed, one open version per policy, versions closed on their successor, sources): ${w.invariants ?? 'not checked'}.`);
    lines.push('');
  }
  if (report.mixed) {
    const m = report.mixed;
    const settings = report.settings as { mixed?: { connections: number; durationS: number; runs: number; warmupS: number } };
    const h = settings.mixed;
    lines.push(`### Scenario 7: mixed load (${h?.connections} connections, ${h?.runs} runs of ${h?.durationS} s after ${h?.warmupS} s warm-up; median, min–max)`);
    lines.push('');
    lines.push(
      `${m.distinct} distinct (document, variables) pairs of scenarios 1–3, ranked feed page, country map, then the history pairs, drawn with Zipf's law (s = ${m.zipf}): ` +
        `the first takes ${fmt(m.shares.first * 100, 1)}% of the requests, the second ${fmt(m.shares.second * 100, 1)}%, the tenth ${fmt(m.shares.tenth * 100, 1)}%, the last 100 together ${fmt(m.shares.last100 * 100, 1)}%. ` +
        `${m.writeRate} change/s committed through a separate Borderwatch instance during every candidate's load: ${fmt(m.writes)} changes (${fmt(m.writesFailed)} failed).`,
    );
    lines.push('');
    lines.push('| candidate | req/s | p50 ms | p99 ms | response cache hits | bytes / response | Borderwatch ÷ this | cache off ÷ this |');
    lines.push('|---|--:|--:|--:|--:|--:|--:|--:|');
    const bw = m.cells.borderwatch;
    const uncached = m.cells['borderwatch-uncached'];
    for (const name of CANDIDATES) {
      const cell = m.cells[name];
      if (!cell) continue;
      if (!cell.ok) {
        lines.push(`| ${CANDIDATE_TITLES[name]} | wrong answer: ${cell.error?.replace(/\|/g, '/').slice(0, 80)} | | | | | | |`);
        continue;
      }
      const hits = cell.hitRate === undefined ? '–' : `${fmt(cell.hitRate * 100, 1)}% of ${fmt(cell.lookups ?? NaN)}`;
      lines.push(
        `| ${CANDIDATE_TITLES[name]} | ${fmt(cell.rps.median, cell.rps.median < 10 ? 1 : 0)} (${fmt(cell.rps.min, cell.rps.min < 10 ? 1 : 0)}–${fmt(cell.rps.max, cell.rps.max < 10 ? 1 : 0)}) | ${fmt(cell.p50.median)} | ${fmt(cell.p99.median)} (${fmt(cell.p99.min)}–${fmt(cell.p99.max)}) | ` +
          `${hits} | ${fmt(cell.bytes)} | ${name === 'borderwatch' ? '' : ratio(bw?.rps.median ?? NaN, cell.rps.median)} | ${name === 'borderwatch-uncached' ? '' : ratio(uncached?.rps.median ?? NaN, cell.rps.median)} |`,
      );
    }
    lines.push('');
  }
  if (report.fanout) {
    lines.push('### Scenario 4: subscription fan-out (2 instances, mixed filters; latency = client clock − committedAt)');
    lines.push('');
    lines.push('| server | subscribers | changes/s × s | delivered / expected | p50 ms | p99 ms | max ms | deliveries/s | CPU (share of 2 cores) | deliveries per CPU-s | same, writes\' own CPU excluded |');
    lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const result of [report.fanout.borderwatch, report.fanout.relay]) {
      if (!result) continue;
      const name = SERVER_TITLES[result.kind];
      if (result.error) lines.push(`| ${name} | ${fmt(result.connected)} | | failed: ${result.error.replace(/\|/g, '/').slice(0, 120)} | | | | | | | |`);
      for (const p of [result.low, result.mid, result.high]) {
        if (!p) continue;
        lines.push(
          `| ${name} | ${fmt(result.connected)} | ${p.rate} × ${p.durationS} | ${fmt(p.delivered)} / ${fmt(p.expected)} = ${p.deliveredRatio.toFixed(4)}${p.unexpected || p.outOfOrder ? ` (${p.unexpected} unexpected, ${p.outOfOrder} out of order)` : ''} | ` +
            `${fmt(p.latencyP50)} | ${fmt(p.latencyP99)} | ${fmt(p.latencyMax)} | ${fmt(p.deliveriesPerSecond)} | ${fmt(p.cpuShareOfTwoCores * 100, 1)}% | ${fmt(p.deliveriesPerCpuSecond)} | ${fmt(p.deliveriesPerFanoutCpuSecond)} |`,
        );
      }
    }
    lines.push('');
    const bw = report.fanout.borderwatch;
    if (bw && !bw.error) {
      lines.push('Borderwatch by transport (the same filters on both; SSE is GraphQL over SSE on /graphql/stream, distinct connections):');
      lines.push('');
      lines.push('| changes/s × s | transport | subscribers | delivered / expected | p50 ms | p99 ms | max ms |');
      lines.push('|--:|---|--:|--:|--:|--:|--:|');
      for (const p of [bw.low, bw.mid, bw.high]) {
        for (const [transport, d] of Object.entries(p?.byTransport ?? {})) {
          lines.push(
            `| ${p!.rate} × ${p!.durationS} | ${transport === 'ws' ? 'WebSocket' : 'SSE'} | ${fmt(d.subscribers)} | ${fmt(d.delivered)} / ${fmt(d.expected)} = ${d.deliveredRatio.toFixed(4)} | ${fmt(d.latencyP50)} | ${fmt(d.latencyP99)} | ${fmt(d.latencyMax)} |`,
          );
        }
      }
      lines.push('');
    }
  }
  if (report.memory) {
    lines.push('### Scenario 5: memory (one instance, after full GC)');
    lines.push('');
    lines.push('| server | at rest | small | large | RSS per idle subscribed socket | heap per socket |');
    lines.push('|---|--:|--:|--:|--:|--:|');
    for (const r of [report.memory.borderwatch, report.memory.relay]) {
      if (!r) continue;
      lines.push(
        `| ${SERVER_TITLES[r.kind]} | ${mib(r.restRss)} | ${fmt(r.small.sockets)}: ${mib(r.small.rss)} | ${fmt(r.large.sockets)}: ${mib(r.large.rss)} | ${kib(r.perSocketRss)} | ${kib(r.perSocketHeap)} |` +
          (r.error ? ` failed: ${r.error.slice(0, 100)}` : ''),
      );
    }
    lines.push('');
  }
  if (report.start) {
    lines.push(`### Scenario 6: start on a fresh \`.data/\` (embedded PostgreSQL, migrations, seed) to the first answer`);
    lines.push('');
    lines.push(`\`npm start\` (after \`npm install\`: its build check finds the build current): ${fmt(report.start.npmStartMs / 1000, 1)} s; \`node dist/src/main.js\`: ${fmt(report.start.nodeMainMs / 1000, 1)} s.${report.start.error ? ` Error: ${report.start.error}` : ''}`);
    lines.push('');
  }
  const table = (heading: string, list: Target[]) => {
    if (!list.length) return;
    lines.push(heading);
    lines.push('');
    lines.push('| scenario | target | value | met |');
    lines.push('|---|---|--:|:-:|');
    for (const t of list) lines.push(`| ${t.scenario} | ${t.target} | ${t.value} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`);
    lines.push('');
  };
  // Older reports (before issue 12) have targets without an issue: they were issue 7's.
  table("### Targets (issue 12; 2b is issue 13's passport map, held to the targets of 1–3)", report.targets.filter((t) => t.issue === 12));
  table('### Earlier targets (issue 7) not superseded by issue 12', report.targets.filter((t) => t.issue !== 12));
  return lines.join('\n');
}

/** Writes the run's JSON (unless `keepJson`: a saved run rendered again keeps its figures file as it was), its Markdown, and the README's table. */
export function writeReport(report: BenchReport, updateReadme: boolean, keepJson = false): { json: string; md: string } {
  const dir = path.join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stem = `${report.date.slice(0, 10)}${report.mode === 'quick' ? '-quick' : ''}`;
  const json = path.join(dir, `${stem}.json`);
  const md = path.join(dir, `${stem}.md`);
  if (!keepJson) writeFileSync(json, JSON.stringify(report, null, 2));
  const table = markdown(report);
  writeFileSync(md, `# Borderwatch benchmark, ${report.date}\n\n${table}`);
  if (updateReadme) {
    const readme = path.join(ROOT, 'README.md');
    const text = readFileSync(readme, 'utf8');
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const block = `${start}\n${table}\nFull figures: [\`bench-results/${stem}.json\`](bench-results/${stem}.json).\n${end}`;
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    writeFileSync(readme, i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n## Performance\n\n${block}\n`);
  }
  return { json, md };
}

/**
 * Renders a saved run again with this generator (tables and targets as they are now computed):
 * `node dist/test/bench/report.js bench-results/<date>.json [--readme]` rewrites its .md (not the
 * JSON: the figures stay as measured), and with --readme the README's table.
 */
if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: report.js <bench-results/….json> [--readme]');
  const saved = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  saved.targets = evaluateTargets(saved);
  const written = writeReport(saved, process.argv.includes('--readme'), true);
  console.log(`rewrote ${written.md}${process.argv.includes('--readme') ? ' and the README' : ''}`);
}
