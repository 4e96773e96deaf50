/**
 * Scenario 4 (subscription fan-out) and its floor, the bare ws + Redis relay. Two server
 * instances (one CPU each), N subscribers split over them with mixed filters (everything, one
 * country, one region), policy changes written at a fixed rate (Borderwatch: through the API,
 * alternating instances, so half the changes cross Redis; relay: published to Redis). Latency is
 * commit-to-delivery: the client's clock minus the edge's committedAt (same machine, ms
 * resolution). Delivered/expected counts exactly which subscribers should have had which entry.
 * Borderwatch's subscribers include a share over GraphQL-over-SSE (/graphql/stream, `sseShare`),
 * whose delivery is reported beside the WebSocket subscribers' (`byTransport`).
 */
import { Client } from 'pg';
import Redis from 'ioredis';
import { startCandidate, type RunningServer } from '../candidates';
import { ClientPool, percentiles } from '../load/clients';
import { CATEGORIES, changeInput, paced, postChange, STATUSES } from '../load/policy-writes';
import type { ClientTransport, Report, SocketSpec } from '../load/ws-clients';
import { log, probeStats, sleep } from '../util';

export const SUBSCRIPTION = `subscription Feed($filter: FeedFilter) {
  feed(filter: $filter) {
    cursor kind committedAt
    node { __typename ... on PolicyChange { direction policy { id countryCode category status title effectiveFrom } } }
  }
}`;

export interface FanoutSettings {
  subscribers: number;
  clientProcesses: number;
  low: { rate: number; durationS: number };
  /** a rate both the servers and the client harness keep up with: where deliveries per CPU-second compare */
  mid: { rate: number; durationS: number };
  high: { rate: number; durationS: number };
  drainTimeoutS: number;
  /** Share of Borderwatch's subscribers that subscribe over Server-Sent Events instead of WebSocket (the relay has WebSockets only) */
  sseShare: number;
  instanceCpus: [string | undefined, string | undefined];
}

/** One transport's subscribers in a phase. */
export interface TransportDelivery {
  subscribers: number;
  expected: number;
  delivered: number;
  deliveredRatio: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
}

export interface PhaseResult {
  rate: number;
  durationS: number;
  writesSent: number;
  writesFailed: number;
  /** the slowest write, request to response (Borderwatch: through the API; relay: the Redis publish) */
  slowestWriteMs: number;
  expected: number;
  delivered: number;
  deliveredRatio: number;
  outOfOrder: number;
  unexpected: number;
  errors: number;
  openSockets: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  deliveriesPerSecond: number;
  /** summed over both instances, from the phase start to the end of the drain */
  cpuSeconds: number;
  /** average CPU use of the two instances as a share of the machine's two cores */
  cpuShareOfTwoCores: number;
  /** delivered / cpuSeconds: all the instances' CPU, the API writes included */
  deliveriesPerCpuSecond: number;
  /** delivered / (cpuSeconds − the same writes' CPU measured with no subscriber): the fan-out alone */
  deliveriesPerFanoutCpuSecond: number;
  wallS: number;
  byTransport: Record<ClientTransport, TransportDelivery>;
}

export interface FanoutResult {
  kind: 'borderwatch' | 'relay';
  subscribers: number;
  connected: number;
  connectFailed: number;
  connectMs: number;
  low?: PhaseResult;
  mid?: PhaseResult;
  high?: PhaseResult;
  /** CPU seconds one write costs the instances with no subscriber connected (0 for the relay: its publisher is the runner) */
  cpuPerWrite: number;
  error?: string;
}

export interface FanoutContext {
  databaseUrl: string;
  redisUrl: string;
  countryCodes: string[];
  regions: string[][];
  editorToken: string;
}

export function socketSpecs(count: number, urls: string[], countryCodes: string[], regions: string[][]): SocketSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const url = urls[i % urls.length]!;
    const slot = Math.floor(i / urls.length);
    switch (slot % 3) {
      case 0:
        return { url, countries: null };
      case 1:
        return { url, countries: [countryCodes[Math.floor(slot / 3) % countryCodes.length]!] };
      default:
        return { url, countries: regions[Math.floor(slot / 3) % regions.length]! };
    }
  });
}

/** Every `1 / share`-th subscriber over SSE instead (same instance, same filter), so both transports get every kind of filter. */
export function withSse(specs: SocketSpec[], share: number): SocketSpec[] {
  if (share <= 0) return specs;
  const every = Math.max(1, Math.round(1 / share));
  return specs.map((spec, i) => (i % every === every - 1 ? { ...spec, transport: 'sse', url: spec.url.replace(/^ws:/, 'http:') } : spec));
}

function delivery(part: Report['byTransport'][ClientTransport]): TransportDelivery {
  const latency = percentiles(part.histogram);
  return {
    subscribers: part.sockets,
    expected: part.expected,
    delivered: part.delivered,
    deliveredRatio: part.expected ? part.delivered / part.expected : NaN,
    latencyP50: latency.p50,
    latencyP99: latency.p99,
    latencyMax: latency.max,
  };
}

export async function runFanout(kind: 'borderwatch' | 'relay', ctx: FanoutContext, settings: FanoutSettings): Promise<FanoutResult> {
  const servers: RunningServer[] = [];
  const clients = new ClientPool(settings.clientProcesses);
  const pg = new Client({ connectionString: ctx.databaseUrl });
  const redis = new Redis(ctx.redisUrl);
  const channel = `bwbench:relay:${process.pid}:${Date.now()}`;
  const result: FanoutResult = { kind, subscribers: settings.subscribers, connected: 0, connectFailed: 0, connectMs: 0, cpuPerWrite: 0 };
  let relaySeq = 0;
  const published: Array<[number, string[]]> = [];
  try {
    await pg.connect();
    for (const [index, cpus] of settings.instanceCpus.entries()) {
      servers.push(
        await startCandidate(
          kind,
          { databaseUrl: ctx.databaseUrl, redisUrl: ctx.redisUrl, cpus, env: kind === 'relay' ? { BENCH_RELAY_CHANNEL: channel } : {} },
          `${kind}-${index + 1}`,
        ),
      );
    }
    const today = new Date().toISOString().slice(0, 10);
    const write = async (i: number): Promise<boolean> => {
      const countryCode = ctx.countryCodes[(i * 7919) % ctx.countryCodes.length]!;
      const category = CATEGORIES[(i * 31) % CATEGORIES.length]!;
      const status = STATUSES[i % STATUSES.length]!;
      if (kind === 'relay') {
        relaySeq += 1;
        const seq = relaySeq;
        published.push([seq, [countryCode]]);
        const cursor = `${Buffer.from(JSON.stringify(['feed', String(seq)])).toString('base64url')}.0123456789abcdef`;
        const payload = {
          data: {
            feed: {
              cursor,
              kind: 'POLICY_CHANGE',
              committedAt: new Date().toISOString(),
              node: {
                __typename: 'PolicyChange',
                direction: 'STRICTER',
                policy: { id: '00000000-0000-4000-8000-' + String(seq).padStart(12, '0'), countryCode, category, status, title: `Live change ${seq}`, effectiveFrom: today },
              },
            },
          },
        };
        await redis.publish(channel, JSON.stringify({ seq, countryCodes: [countryCode], payload }));
        return true;
      }
      return postChange(servers[i % servers.length]!.url, ctx.editorToken, changeInput(i, ctx.countryCodes));
    };
    const currentSeq = async () =>
      kind === 'relay' ? relaySeq : Number((await pg.query<{ value: string }>('SELECT value FROM feed_counter WHERE id = 1')).rows[0]!.value);
    const entriesAfter = async (from: number): Promise<Array<[number, string[]]>> =>
      kind === 'relay'
        ? published.filter(([seq]) => seq > from)
        : (await pg.query<{ seq: string; country_codes: string[] }>('SELECT seq, country_codes FROM feed_entry WHERE seq > $1 ORDER BY seq', [from])).rows.map(
            (row) => [Number(row.seq), row.country_codes] as [number, string[]],
          );

    const phase = async (rate: number, durationS: number): Promise<PhaseResult> => {
      const fromSeq = await currentSeq();
      await clients.window(fromSeq);
      const cpuBefore = await Promise.all(servers.map((s) => probeStats(s.probePort)));
      const started = performance.now();
      const writes = await paced(rate, durationS, write);
      const entries = await entriesAfter(fromSeq);
      await clients.expect(entries);
      const deadline = Date.now() + settings.drainTimeoutS * 1000;
      let progress = await clients.progress();
      while (progress.received < progress.expected && Date.now() < deadline) {
        await sleep(250);
        progress = await clients.progress();
      }
      const wallS = (performance.now() - started) / 1000;
      const cpuAfter = await Promise.all(servers.map((s) => probeStats(s.probePort)));
      const cpuSeconds = cpuAfter.reduce((sum, after, i) => sum + (after.cpuUser + after.cpuSystem - cpuBefore[i]!.cpuUser - cpuBefore[i]!.cpuSystem) / 1e6, 0);
      const report = await clients.report();
      const latency = percentiles(report.histogram);
      const phaseResult: PhaseResult = {
        rate,
        durationS,
        writesSent: writes.sent,
        writesFailed: writes.failed,
        slowestWriteMs: writes.slowestMs,
        expected: report.expected,
        delivered: report.delivered,
        deliveredRatio: report.expected ? report.delivered / report.expected : NaN,
        outOfOrder: report.outOfOrder,
        unexpected: report.unexpected,
        errors: report.errors,
        openSockets: report.open,
        latencyP50: latency.p50,
        latencyP99: latency.p99,
        latencyMax: latency.max,
        deliveriesPerSecond: report.delivered / wallS,
        cpuSeconds,
        cpuShareOfTwoCores: cpuSeconds / wallS / 2,
        deliveriesPerCpuSecond: report.delivered / cpuSeconds,
        // Only where the writes leave a measurable share of the CPU to the fan-out; otherwise the difference is noise.
        deliveriesPerFanoutCpuSecond:
          cpuSeconds - writes.sent * result.cpuPerWrite > 0.2 * cpuSeconds ? report.delivered / (cpuSeconds - writes.sent * result.cpuPerWrite) : NaN,
        wallS,
        byTransport: { ws: delivery(report.byTransport.ws), sse: delivery(report.byTransport.sse) },
      };
      const { ws, sse } = phaseResult.byTransport;
      log(
        `${kind} ${rate}/s × ${durationS} s: delivered ${report.delivered}/${report.expected}, p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms, ` +
          `CPU ${(phaseResult.cpuShareOfTwoCores * 100).toFixed(1)}% of 2 cores, ${phaseResult.deliveriesPerCpuSecond.toFixed(0)} deliveries/CPU-s ` +
          `(${phaseResult.deliveriesPerFanoutCpuSecond.toFixed(0)} without the writes' own CPU)` +
          `; slowest write ${writes.slowestMs.toFixed(0)} ms` +
          (writes.failed ? `, ${writes.failed} writes failed` : '') +
          `; WebSocket ${ws.delivered}/${ws.expected} p99 ${ws.latencyP99} ms, SSE ${sse.delivered}/${sse.expected} p99 ${sse.latencyP99} ms` +
          `; slowest delivery per change (seq: ms): ${report.slowestBySeq.slice(0, 30).map(([seq, ms]) => `${seq}: ${ms}`).join(', ')}`,
      );
      return phaseResult;
    };

    if (kind === 'borderwatch') {
      // The writes' own cost, with nobody subscribed, so the fan-out's cost can be told apart.
      await paced(5, 2, write);
      const calibrationS = Math.min(10, settings.high.durationS);
      const before = await Promise.all(servers.map((s) => probeStats(s.probePort)));
      const writes = await paced(settings.high.rate, calibrationS, write);
      await sleep(500);
      const after = await Promise.all(servers.map((s) => probeStats(s.probePort)));
      const cpu = after.reduce((sum, a, i) => sum + (a.cpuUser + a.cpuSystem - before[i]!.cpuUser - before[i]!.cpuSystem) / 1e6, 0);
      result.cpuPerWrite = cpu / writes.sent;
      log(`${kind}: ${writes.sent} writes with no subscriber cost ${(result.cpuPerWrite * 1000).toFixed(2)} ms CPU each`);
    }
    const wsUrls = servers.map((server) => server.url.replace('http://', 'ws://'));
    const specs = socketSpecs(settings.subscribers, wsUrls, ctx.countryCodes, ctx.regions);
    const connected = await clients.connect(kind === 'borderwatch' ? withSse(specs, settings.sseShare) : specs, SUBSCRIPTION);
    Object.assign(result, { connected: connected.ok, connectFailed: connected.failed, connectMs: connected.ms });
    log(`${kind}: ${connected.ok} subscribers connected in ${connected.ms} ms (${connected.failed} failed)`);
    await sleep(1000);

    // Warm-up: a few changes through every path, not reported.
    await phase(5, 2);
    result.low = await phase(settings.low.rate, settings.low.durationS);
    result.mid = await phase(settings.mid.rate, settings.mid.durationS);
    result.high = await phase(settings.high.rate, settings.high.durationS);
    return result;
  } catch (error) {
    result.error = (error as Error).message;
    log(`${kind} fan-out failed: ${result.error}`);
    return result;
  } finally {
    await clients.close();
    await Promise.all(servers.map((server) => server.stop()));
    redis.disconnect();
    await pg.end().catch(() => undefined);
  }
}
