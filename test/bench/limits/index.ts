/** The machine's limits, measured in the same run as the candidates (see PERFORMANCE.md §7, L1-L4). */
import { adminQuery, createDatabase } from '../generate';
import { log, pgBinary, run, runJsonWorker } from '../util';

export interface Limits {
  pgbench?: { tps: number; clients: number; scale: number; durationS: number };
  pgPoolFeed?: { queriesPerSecond: number; p50: number; p99: number; concurrency: number };
  redisPublish?: { rps: number; p50: number; p99: number; clients: number; pipeline: number }[];
  errors: string[];
}

export interface LimitSettings {
  durationS: number;
  pgbenchScale: number;
  loadCpus: string | undefined;
  serverCpus: string | undefined;
  redisHost: string;
  redisPort: number;
}

export async function measureLimits(databaseUrl: string, settings: LimitSettings): Promise<Limits> {
  const limits: Limits = { errors: [] };
  try {
    const db = await createDatabase('bw_bench_pgbench');
    try {
      const url = new URL(db.url);
      const common = ['-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres'];
      run(pgBinary('pgbench'), [...common, '-i', '-q', '-s', String(settings.pgbenchScale), db.name], { timeoutMs: 300_000 });
      const out = run(pgBinary('pgbench'), [...common, '-S', '-M', 'prepared', '-c', '8', '-j', '2', '-T', String(settings.durationS), db.name], {
        cpus: settings.loadCpus,
        timeoutMs: (settings.durationS + 60) * 1000,
      });
      const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
      limits.pgbench = { tps, clients: 8, scale: settings.pgbenchScale, durationS: settings.durationS };
      log(`pgbench -S -M prepared: ${tps.toFixed(0)} tps`);
    } finally {
      await db.drop();
    }
  } catch (error) {
    limits.errors.push(`pgbench: ${(error as Error).message}`);
  }
  try {
    limits.pgPoolFeed = {
      ...(await runJsonWorker<{ queriesPerSecond: number; p50: number; p99: number }>(
        'limits/pg-pool.js',
        { databaseUrl, durationS: settings.durationS, concurrency: 50 },
        { cpus: settings.serverCpus, timeoutMs: (settings.durationS + 60) * 1000 },
      )),
      concurrency: 50,
    };
    log(`pg pool, feed SQL: ${limits.pgPoolFeed.queriesPerSecond.toFixed(0)} queries/s`);
  } catch (error) {
    limits.errors.push(`pg pool: ${(error as Error).message}`);
  }
  try {
    limits.redisPublish = [];
    const payload = 'x'.repeat(200);
    for (const pipeline of [1, 16]) {
      const requests = Math.round(30_000 * settings.durationS * (pipeline > 1 ? 4 : 1));
      const out = run(
        'redis-benchmark',
        ['-h', settings.redisHost, '-p', String(settings.redisPort), '-c', '50', '-P', String(pipeline), '-n', String(requests), '--csv', 'publish', `bwbench:${process.pid}`, payload],
        { cpus: settings.loadCpus, timeoutMs: 300_000 },
      );
      const row = out.trim().split('\n').pop()!.split('","').map((cell) => cell.replace(/"/g, ''));
      limits.redisPublish.push({ rps: Number(row[1]), p50: Number(row[4]), p99: Number(row[6]), clients: 50, pipeline });
      log(`redis-benchmark publish -P ${pipeline}: ${Number(row[1]).toFixed(0)}/s`);
    }
  } catch (error) {
    limits.errors.push(`redis-benchmark: ${(error as Error).message}`);
  }
  return limits;
}

export { adminQuery };
