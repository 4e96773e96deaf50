/**
 * The write floor (issue 12 item 8): `recordPolicyChange` through Borderwatch's API against the same
 * change made by the floor server in one round trip (one call of the PL/pgSQL function in
 * candidates/floor/write.sql: token, lock, close, insert, sources, feed entry). Both servers are
 * the scenario 1-3 ones (same CPU, same database), written to in turn at the same fixed rate with
 * the same document and inputs. Per write: the server process's CPU (the probe's process.cpuUsage),
 * PostgreSQL's CPU (every client backend of the database, from /proc), SQL statements, latency.
 * The CPU the process spends with no write (timers, a relay poll) is measured just before each run
 * and subtracted.
 */
import { Client } from 'pg';
import type { RunningServer } from '../candidates';
import { checkInvariants } from '../generate';
import { changeInput, paced, postChange, RECORD_AND_READ } from '../load/policy-writes';
import { backendCpu, backendCpuDelta, log, median, postJson, probeStats, sleep, spread, type Spread } from '../util';
import type { Servers } from './http';

export interface WriteSettings {
  rate: number;
  durationS: number;
  runs: number;
}

export interface WriteCell {
  ok: boolean;
  error?: string;
  writes: number;
  failed: number;
  /** server process CPU per write, ms (one value per run) */
  cpuMs: Spread;
  /** PostgreSQL backends' CPU per write, ms */
  dbCpuMs: Spread;
  statementsPerWrite: number;
  p50Ms: number;
  p99Ms: number;
}

export interface WriteResults {
  rate: number;
  durationS: number;
  runs: number;
  borderwatch?: WriteCell;
  floor?: WriteCell;
  /** the database's invariants after every write (gapless feed, one open version per policy, sources...) */
  invariants?: string;
}

type Writer = 'borderwatch' | 'floor';
const WRITERS: Writer[] = ['borderwatch', 'floor'];

interface Sample {
  at: number;
  cpuMs: number;
  queries: number;
  backends: Map<number, number>;
}

export async function runWrites(servers: Servers, databaseUrl: string, countryCodes: string[], editorToken: string, settings: WriteSettings): Promise<WriteResults> {
  const results: WriteResults = { rate: settings.rate, durationS: settings.durationS, runs: settings.runs };
  const database = new URL(databaseUrl).pathname.slice(1);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  let next = 0;
  try {
    const sample = async (server: RunningServer): Promise<Sample> => {
      const [stats, backends] = await Promise.all([probeStats(server.probePort), backendCpu(pg, database)]);
      return { at: performance.now(), cpuMs: (stats.cpuUser + stats.cpuSystem) / 1000, queries: stats.queries, backends };
    };
    const runs = new Map<Writer, Array<{ cpuMs: number; dbCpuMs: number; statements: number; writes: number; failed: number; latencies: number[] }>>();

    for (const name of WRITERS) {
      const server = servers.get(name)!;
      // Correct answers first: the version written, and the one it closed.
      const answer = await postJson(server.url, { query: RECORD_AND_READ, variables: { input: changeInput(next++, countryCodes, `write-${name}`) } }, { authorization: `Bearer ${editorToken}` });
      const body = JSON.parse(answer.text) as { data?: { recordPolicyChange?: { policy?: { id?: string } } }; errors?: unknown[] };
      const error = answer.status !== 200 || body.errors?.length || !body.data?.recordPolicyChange?.policy?.id ? `HTTP ${answer.status}: ${answer.text.slice(0, 300)}` : null;
      results[name] = { ok: !error, writes: 0, failed: 0, cpuMs: spread([NaN]), dbCpuMs: spread([NaN]), statementsPerWrite: NaN, p50Ms: NaN, p99Ms: NaN, ...(error ? { error } : {}) };
      if (error) log(`${name} write: WRONG ANSWER, skipped: ${error}`);
      else await paced(settings.rate, 1, () => postChange(server.url, editorToken, changeInput(next++, countryCodes, `write-${name}`), RECORD_AND_READ)); // warm-up
    }

    for (let run = 0; run < settings.runs; run += 1) {
      for (const name of WRITERS) {
        if (!results[name]!.ok) continue;
        const server = servers.get(name)!;
        // What the process and the database do with no write, over a second.
        const idleFrom = await sample(server);
        await sleep(1000);
        const idleTo = await sample(server);
        const idleSeconds = (idleTo.at - idleFrom.at) / 1000;
        const before = await sample(server);
        const offset = next;
        next += Math.round(settings.rate * settings.durationS);
        const writes = await paced(settings.rate, settings.durationS, (i) => postChange(server.url, editorToken, changeInput(offset + i, countryCodes, `write-${name}`), RECORD_AND_READ));
        // What a write sets off after its answer (the relay, the publish to Redis) is part of its cost.
        await sleep(500);
        const after = await sample(server);
        const seconds = (after.at - before.at) / 1000;
        const idle = (field: (s: Sample) => number) => ((field(idleTo) - field(idleFrom)) / idleSeconds) * seconds;
        const recorded = writes.sent - writes.failed;
        const measured = {
          cpuMs: (after.cpuMs - before.cpuMs - idle((s) => s.cpuMs)) / recorded,
          dbCpuMs: (backendCpuDelta(before.backends, after.backends) - (backendCpuDelta(idleFrom.backends, idleTo.backends) / idleSeconds) * seconds) / recorded,
          statements: (after.queries - before.queries - idle((s) => s.queries)) / recorded,
          writes: writes.sent,
          failed: writes.failed,
          latencies: writes.latenciesMs,
        };
        log(
          `write ${name} run ${run + 1}: ${writes.sent} writes (${writes.failed} failed), ${measured.cpuMs.toFixed(2)} ms CPU each, ` +
            `PostgreSQL ${measured.dbCpuMs.toFixed(2)} ms, ${measured.statements.toFixed(1)} statements, slowest ${writes.slowestMs.toFixed(0)} ms`,
        );
        runs.set(name, [...(runs.get(name) ?? []), measured]);
      }
    }

    for (const name of WRITERS) {
      const cell = results[name]!;
      const list = runs.get(name);
      if (!cell.ok || !list) continue;
      const latencies = list.flatMap((r) => r.latencies).sort((a, b) => a - b);
      Object.assign(cell, {
        writes: list.reduce((sum, r) => sum + r.writes, 0),
        failed: list.reduce((sum, r) => sum + r.failed, 0),
        cpuMs: spread(list.map((r) => r.cpuMs)),
        dbCpuMs: spread(list.map((r) => r.dbCpuMs)),
        statementsPerWrite: median(list.map((r) => r.statements)),
        p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
        p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN,
      });
    }
    // Both writers left the data as the write path must: the floor is the same write, not a cheaper one.
    try {
      await checkInvariants(pg);
      results.invariants = 'kept';
    } catch (error) {
      results.invariants = (error as Error).message;
      log(`write floor: ${results.invariants}`);
    }
    return results;
  } finally {
    await pg.end();
  }
}
