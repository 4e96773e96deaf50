/**
 * Scenario 5: resident memory of one instance at rest, then with `small` and `large` idle
 * subscribed WebSockets (mixed filters, as in scenario 4), measured after a full GC
 * (--expose-gc, through the probe). Per socket = ΔRSS / Δsockets between small and large.
 * The same for the bare ws + Redis relay.
 */
import { startCandidate, type RunningServer } from '../candidates';
import { ClientPool } from '../load/clients';
import { log, probeStats, sleep } from '../util';
import { socketSpecs, SUBSCRIPTION, type FanoutContext } from './fanout';

export interface MemoryResult {
  kind: 'borderwatch' | 'relay';
  restRss: number;
  restHeap: number;
  small: { sockets: number; rss: number; heap: number };
  large: { sockets: number; rss: number; heap: number };
  perSocketRss: number;
  perSocketHeap: number;
  error?: string;
}

async function settled(server: RunningServer) {
  await sleep(1500);
  await probeStats(server.probePort, true);
  await sleep(500);
  return probeStats(server.probePort, true);
}

export async function runMemory(kind: 'borderwatch' | 'relay', ctx: FanoutContext, small: number, large: number, clientProcesses: number): Promise<MemoryResult> {
  const clients = new ClientPool(clientProcesses);
  let server: RunningServer | undefined;
  const result: MemoryResult = {
    kind,
    restRss: NaN,
    restHeap: NaN,
    small: { sockets: 0, rss: NaN, heap: NaN },
    large: { sockets: 0, rss: NaN, heap: NaN },
    perSocketRss: NaN,
    perSocketHeap: NaN,
  };
  try {
    server = await startCandidate(kind, { databaseUrl: ctx.databaseUrl, redisUrl: ctx.redisUrl, exposeGc: true, env: kind === 'relay' ? { BENCH_RELAY_CHANNEL: `bwbench:mem:${process.pid}` } : {} }, `${kind}-memory`);
    const rest = await settled(server);
    Object.assign(result, { restRss: rest.rss, restHeap: rest.heapUsed });
    const url = server.url.replace('http://', 'ws://');
    const specs = socketSpecs(large, [url], ctx.countryCodes, ctx.regions);
    const first = await clients.connect(specs.slice(0, small), SUBSCRIPTION);
    const atSmall = await settled(server);
    result.small = { sockets: first.ok, rss: atSmall.rss, heap: atSmall.heapUsed };
    const second = await clients.connect(specs.slice(small), SUBSCRIPTION);
    const atLarge = await settled(server);
    result.large = { sockets: first.ok + second.ok, rss: atLarge.rss, heap: atLarge.heapUsed };
    const delta = result.large.sockets - result.small.sockets;
    result.perSocketRss = (atLarge.rss - atSmall.rss) / delta;
    result.perSocketHeap = (atLarge.heapUsed - atSmall.heapUsed) / delta;
    log(
      `${kind} memory: rest ${(rest.rss / 2 ** 20).toFixed(1)} MiB, ${result.small.sockets} sockets ${(atSmall.rss / 2 ** 20).toFixed(1)} MiB, ` +
        `${result.large.sockets} sockets ${(atLarge.rss / 2 ** 20).toFixed(1)} MiB → ${(result.perSocketRss / 1024).toFixed(1)} KiB RSS per socket`,
    );
  } catch (error) {
    result.error = (error as Error).message;
    log(`${kind} memory failed: ${result.error}`);
  } finally {
    await clients.close();
    await server?.stop();
  }
  return result;
}
