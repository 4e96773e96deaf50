/**
 * One HTTP load run, in a process of its own (the runner pins it to a CPU apart from the
 * servers): autocannon, closed model, N connections, no pipelining, request bodies taken in
 * turn from a list, or in the order of a sequence of indices (scenario 7's skewed mix); the same
 * for every candidate. Prints one JSON result on stdout.
 *
 * Usage: node http-load.js <config.json>
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

export interface HttpLoadConfig {
  url: string;
  bodies: string[];
  /** The order of the requests, as indices into `bodies` (cycled); absent: the bodies in turn. */
  sequence?: number[];
  connections: number;
  durationS: number;
  timeoutS?: number;
}

export interface HttpLoadResult {
  requestsPerSecond: number;
  requests: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  latencyAvg: number;
  bytesPerResponse: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as HttpLoadConfig;
  let next = 0;
  const result = await autocannon({
    url: config.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: config.connections,
    pipelining: 1,
    duration: config.durationS,
    timeout: config.timeoutS ?? 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: Record<string, unknown>) => {
          const body = config.sequence
            ? config.bodies[config.sequence[next % config.sequence.length]!]!
            : config.bodies[next % config.bodies.length]!;
          next += 1;
          return { ...request, body };
        },
      } as never,
    ],
  });
  const out: HttpLoadResult = {
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMax: result.latency.max,
    latencyAvg: result.latency.average,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
  };
  process.stdout.write(JSON.stringify(out));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
