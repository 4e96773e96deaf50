/**
 * Preloaded into every benchmarked server (`node --require dist/test/bench/probe.js`), the
 * same way for every candidate: counts the SQL statements the process sends through `pg`
 * (every candidate, Prisma's adapter and PostGraphile's adaptor included, talks to
 * PostgreSQL through pg's Client.query), and answers on a side port (BENCH_PROBE_PORT)
 * with that count, its memory and its CPU time. `/gc` collects garbage first (with --expose-gc).
 */
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const port = Number(process.env.BENCH_PROBE_PORT);
let queries = 0;

try {
  // Resolved from the server's own working directory, so it patches the pg the server uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require(require.resolve('pg', { paths: [process.cwd()] })) as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(this: unknown, ...args: unknown[]) {
    queries += 1;
    return original.apply(this, args);
  };
} catch (error) {
  process.stderr.write(`bench probe: pg not patched (${(error as Error).message})\n`);
}

if (port > 0) {
  let elu = performance.eventLoopUtilization();
  const server = createServer((req, res) => {
    if (req.url === '/gc') (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, elu);
    elu = now;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        queries,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        external: memory.external,
        cpuUser: cpu.user,
        cpuSystem: cpu.system,
        eluUtilization: delta.utilization,
      }),
    );
  });
  server.listen(port, '127.0.0.1');
  server.unref();
}
