/**
 * Limit: a Node pg pool (10 connections, like every candidate) running the feed page's own SQL
 * (the floor's single statement for feed(first: 50)) from 50 concurrent loops for a fixed time.
 * Prints { queriesPerSecond, p50, p99 } (ms).
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { FEED_SQL } from '../candidates/floor/sql';

interface Config {
  databaseUrl: string;
  durationS: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config;
  const pool = new Pool({ connectionString: config.databaseUrl, max: 10 });
  await pool.query(FEED_SQL, [51, null]); // warm
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + config.durationS * 1000;
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await pool.query(FEED_SQL, [51, null]);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.end();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  process.stdout.write(JSON.stringify({ queriesPerSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) }));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
