/**
 * What an idle subscribed socket holds (scenario 5's "per socket", taken apart): starts one
 * candidate with --heapsnapshot-signal, opens `small` then `large` idle subscribed sockets as
 * scenario 5 does, takes a heap snapshot at each, and prints the objects the extra sockets added,
 * grouped by type and constructor (shallow sizes, bytes per socket). How test/bench/NOTES.md's
 * memory breakdowns were taken.
 *
 *   node dist/test/bench/heap-per-socket.js [borderwatch|relay] [small] [large]
 *
 * Uses the benchmark's dataset generator (scale 0.01: the sockets read nothing; dropped afterwards).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startCandidate } from './candidates';
import { generate } from './generate';
import { ClientPool } from './load/clients';
import { socketSpecs, SUBSCRIPTION } from './scenarios/fanout';
import { cleanupAll, log, onCleanup, probeStats, sleep, waitFor } from './util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** (type, name) → count and shallow bytes. */
function byConstructor(file: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    // Strings and numbers by type only (their "name" is their value).
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' ? '' : heap.strings[heap.nodes[i + nameAt]!]!.slice(0, 80);
    const key = `${type} ${name}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += heap.nodes[i + sizeAt]!;
    groups.set(key, group);
  }
  return groups;
}

/**
 * Heap used after a full GC (as scenario 5 measures it), then a heap snapshot. Not RSS: taking a
 * snapshot leaves the process's resident memory far above what it was.
 */
async function snapshot(pid: number, dir: string, probePort: number): Promise<{ file: string; heap: number }> {
  await sleep(1500);
  await probeStats(probePort, true);
  await sleep(500);
  const { heapUsed } = await probeStats(probePort, true);
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const name = await waitFor(
    async () => readdirSync(dir).find((file) => !before.has(file) && file.endsWith('.heapsnapshot')),
    120_000,
    'the heap snapshot',
  );
  // Written when it ends with the strings table's closing brackets and stops growing.
  let size = -1;
  for (;;) {
    await sleep(2000);
    const text = readFileSync(path.join(dir, name), 'utf8');
    if (text.length === size && text.trimEnd().endsWith(']}')) return { file: path.join(dir, name), heap: heapUsed };
    size = text.length;
  }
}

async function main(): Promise<void> {
  const kind = (process.argv[2] ?? 'borderwatch') as 'borderwatch' | 'relay';
  const small = Number(process.argv[3] ?? 10);
  const large = Number(process.argv[4] ?? 2000);
  const dir = mkdtempSync(path.join(tmpdir(), 'heap-per-socket-'));
  if (!process.env.KEEP_SNAPSHOTS) onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  process.env.BENCH_NODE_ARGS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
  const dataset = await generate(0.01);
  onCleanup(() => dataset.drop());
  const pg = new Client({ connectionString: dataset.url });
  await pg.connect();
  const countries = (await pg.query<{ code: string; region: string | null }>('SELECT code, region FROM country ORDER BY code')).rows;
  await pg.end();
  const regionMap = new Map<string, string[]>();
  for (const c of countries) if (c.region) regionMap.set(c.region, [...(regionMap.get(c.region) ?? []), c.code]);

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const server = await startCandidate(kind, { databaseUrl: dataset.url, redisUrl, exposeGc: true, env: kind === 'relay' ? { BENCH_RELAY_CHANNEL: `bwbench:heap:${process.pid}` } : {} }, `${kind}-heap`);
  onCleanup(() => server.stop());
  const clients = new ClientPool(2);
  onCleanup(() => clients.close());
  const specs = socketSpecs(large, [server.url.replace('http://', 'ws://')], countries.map((c) => c.code), [...regionMap.values()]);
  const first = await clients.connect(specs.slice(0, small), SUBSCRIPTION);
  const atSmall = await snapshot(server.pid, dir, server.probePort);
  const second = await clients.connect(specs.slice(small), SUBSCRIPTION);
  const atLarge = await snapshot(server.pid, dir, server.probePort);
  log(`${first.ok} then ${first.ok + second.ok} sockets (${first.failed + second.failed} failed); snapshots ${atSmall.file} ${atLarge.file}`);
  const perSocket = (bytes: number) => `${(bytes / second.ok / 1024).toFixed(1)} KiB`;
  log(`heap used per socket after GC: ${perSocket(atLarge.heap - atSmall.heap)}`);
  report(kind, atSmall.file, atLarge.file, second.ok);
}

function report(kind: string, atSmall: string, atLarge: string, sockets: number): void {
  const a = byConstructor(atSmall);
  const b = byConstructor(atLarge);
  const rows = [...b].map(([key, after]) => {
    const was = a.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: (after.count - was.count) / sockets, bytes: (after.bytes - was.bytes) / sockets };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`${kind}: ${total.toFixed(0)} heap bytes per socket (shallow, snapshot delta)`);
  for (const row of rows.slice(0, 60)) console.log(`${row.bytes.toFixed(0).padStart(7)} B ${row.count.toFixed(2).padStart(6)}×  ${row.key}`);
}

// `analyse <small.heapsnapshot> <large.heapsnapshot> <sockets added>`: the same report from kept snapshots (KEEP_SNAPSHOTS=1).
(process.argv[2] === 'analyse' ? Promise.resolve(report('snapshots', process.argv[3]!, process.argv[4]!, Number(process.argv[5]))) : main())
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
