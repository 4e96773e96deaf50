/** The report: bench-results/<date>[-quick].json and .md, and the README's Performance section. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CANDIDATE_TITLES, CANDIDATES, type CandidateName } from './candidates';
import { SCENARIO_TITLES, SCENARIOS } from './documents';
import type { Limits } from './limits';
import type { FanoutResult } from './scenarios/fanout';
import type { HttpResults } from './scenarios/http';
import type { MemoryResult } from './scenarios/memory';
import type { StartResult } from './scenarios/start';
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
  fanout?: { borderwatch?: FanoutResult; relay?: FanoutResult };
  memory?: { borderwatch?: MemoryResult; relay?: MemoryResult };
  start?: StartResult;
  targets: Target[];
  durationS: number;
  notes: string[];
}

export interface Target {
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

export function evaluateTargets(report: BenchReport): Target[] {
  const targets: Target[] = [];
  const http = report.http;
  if (http) {
    for (const scenario of SCENARIOS) {
      const cell = (name: CandidateName) => http[scenario][name];
      const rps = (name: CandidateName) => (cell(name)?.ok ? cell(name)!.rps.median : NaN);
      const pglP99 = cell('postgraphile')?.ok ? cell('postgraphile')!.p99.median : NaN;
      // Both configurations are judged: the default one, and execution alone (the peers keep no answers).
      for (const [ours, suffix] of [['borderwatch', ''], ['borderwatch-uncached', ', cache off']] as const) {
        if (!cell(ours)) continue;
        const check = (target: string, a: number, b: number, factor: number): Target => ({
          scenario: SCENARIO_TITLES[scenario].split(':')[0]! + suffix,
          target,
          value: ratio(a, b),
          met: Number.isFinite(a) && Number.isFinite(b) ? a >= factor * b : null,
        });
        targets.push(check('req/s ≥ 5× naive', rps(ours), rps('naive'), 5));
        targets.push(check('req/s ≥ PostGraphile', rps(ours), rps('postgraphile'), 1));
        targets.push(check('req/s ≥ ½ floor', rps(ours), rps('floor'), 0.5));
        const p99 = cell(ours)?.ok ? cell(ours)!.p99.median : NaN;
        targets.push({
          scenario: SCENARIO_TITLES[scenario].split(':')[0]! + suffix,
          target: 'p99 ≤ PostGraphile p99',
          value: `${fmt(p99)} ms vs ${fmt(pglP99)} ms`,
          met: Number.isFinite(p99) && Number.isFinite(pglP99) ? p99 <= pglP99 : null,
        });
      }
    }
  }
  const fan = report.fanout?.borderwatch;
  const relay = report.fanout?.relay;
  if (fan) {
    const high = fan.high;
    targets.push({ scenario: '4. Fan-out', target: `delivered/expected = 1 at ${high?.rate ?? '?'} changes/s`, value: high ? high.deliveredRatio.toFixed(4) : 'not run', met: high ? high.deliveredRatio === 1 && high.unexpected === 0 && high.outOfOrder === 0 : false });
    targets.push({ scenario: '4. Fan-out', target: `p99 commit-to-delivery < 50 ms at ${fan.subscribers} subscribers, ${high?.rate ?? '?'} changes/s`, value: high ? `${fmt(high.latencyP99)} ms` : 'not run', met: high ? high.latencyP99 < 50 : false });
    const low = fan.low;
    targets.push({ scenario: '4. Fan-out', target: `(same, at ${low?.rate ?? '?'} change/s)`, value: low ? `${fmt(low.latencyP99)} ms; delivered ${low.deliveredRatio.toFixed(4)}` : 'not run', met: low ? low.latencyP99 < 50 && low.deliveredRatio === 1 : false });
    const mid = fan.mid;
    const measurable = mid && relay?.mid && Number.isFinite(mid.deliveriesPerFanoutCpuSecond) && Number.isFinite(relay.mid.deliveriesPerFanoutCpuSecond);
    targets.push({
      scenario: '4. Fan-out',
      target: `deliveries per CPU-second (the writes' own CPU excluded) ≥ ½ bare relay, at ${mid?.rate ?? '?'} changes/s`,
      value: measurable ? ratio(mid.deliveriesPerFanoutCpuSecond, relay.mid!.deliveriesPerFanoutCpuSecond) : 'not measurable',
      met: measurable ? mid.deliveriesPerFanoutCpuSecond >= 0.5 * relay.mid!.deliveriesPerFanoutCpuSecond : null,
    });
    targets.push({
      scenario: '4. Fan-out',
      target: `CPU < 50% of 2 cores at ${fan.low?.rate ?? 1} change/s`,
      value: fan.low ? `${fmt(fan.low.cpuShareOfTwoCores * 100, 1)}%` : 'not run',
      met: fan.low ? fan.low.cpuShareOfTwoCores < 0.5 : false,
    });
  }
  const mem = report.memory?.borderwatch;
  if (mem) {
    targets.push({ scenario: '5. Memory', target: '< 20 KiB per idle subscribed socket', value: kib(mem.perSocketRss), met: Number.isFinite(mem.perSocketRss) ? mem.perSocketRss < 20 * 1024 : false });
    const bare = report.memory?.relay;
    targets.push({
      scenario: '5. Memory',
      target: '≤ 1.5× bare ws per socket',
      value: bare ? ratio(mem.perSocketRss, bare.perSocketRss) : 'not run',
      met: bare && Number.isFinite(bare.perSocketRss) ? mem.perSocketRss <= 1.5 * bare.perSocketRss : null,
    });
  }
  if (report.start) {
    targets.push({ scenario: '6. Start', target: '< 10 s to first answer', value: `${fmt(report.start.npmStartMs / 1000, 1)} s`, met: report.start.npmStartMs < 10_000 });
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
    lines.push(`### Scenarios 1–3 (HTTP, ${h?.connections} connections, ${h?.runs} runs of ${h?.durationS} s after ${h?.warmupS} s warm-up; median, min–max)`);
    lines.push('');
    lines.push('| scenario | candidate | req/s | p50 ms | p99 ms | SQL statements / request | bytes / response | Borderwatch ÷ this | cache off ÷ this |');
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|');
    for (const scenario of SCENARIOS) {
      const bw = report.http[scenario].borderwatch;
      const uncached = report.http[scenario]['borderwatch-uncached'];
      for (const name of [...CANDIDATES, 'static'] as const) {
        const cell = report.http[scenario][name];
        if (!cell) continue;
        const title = name === 'static' ? 'Limit: node:http, same-size precomputed body' : CANDIDATE_TITLES[name];
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
    const stat = report.http?.feed.static;
    if (stat?.ok) lines.push(`| bare node:http, precomputed ${fmt(stat.bytes)} B body, same load | ${fmt(stat.rps.median)} req/s |`);
    const relay = report.fanout?.relay?.high;
    if (relay) lines.push(`| bare ws + ioredis relay, 2 processes | ${fmt(relay.deliveriesPerCpuSecond)} deliveries per CPU-second |`);
    const bwFan = report.fanout?.borderwatch;
    if (bwFan?.cpuPerWrite) lines.push(`| one recordPolicyChange through the API, no subscriber (both instances' CPU) | ${fmt(bwFan.cpuPerWrite * 1000, 2)} ms CPU |`);
    for (const error of l.errors) lines.push(`| error | ${error.replace(/\|/g, '/').slice(0, 200)} |`);
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
  lines.push('### Targets');
  lines.push('');
  lines.push('| scenario | target | value | met |');
  lines.push('|---|---|--:|:-:|');
  for (const t of report.targets) lines.push(`| ${t.scenario} | ${t.target} | ${t.value} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines.join('\n');
}

export function writeReport(report: BenchReport, updateReadme: boolean): { json: string; md: string } {
  const dir = path.join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stem = `${report.date.slice(0, 10)}${report.mode === 'quick' ? '-quick' : ''}`;
  const json = path.join(dir, `${stem}.json`);
  const md = path.join(dir, `${stem}.md`);
  writeFileSync(json, JSON.stringify(report, null, 2));
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
