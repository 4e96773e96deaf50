import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { within } from '../common/within';
import type { BusRejection } from '../pubsub/bus';
import type { RateLimitKind } from './rate-limit';
import type { ResponseCacheStats } from './response-cache';

export interface MetricSources {
  /** The feed counter: the last committed sequence number (PostgreSQL). */
  latestSeq(): Promise<bigint>;
  /** The last sequence number this instance's relay handed to its subscribers. */
  relayedSeq(): bigint;
  activeSubscriptions(): number;
  redis(): 'up' | 'down' | 'not used';
  responseCache(): ResponseCacheStats;
}

export type Transport = 'http' | 'ws';

/** Operation names are chosen by clients: past this many distinct ones, the rest count as "other". */
const MAX_OPERATION_NAMES = 100;

/**
 * Prometheus metrics of one instance, in a registry of its own (tests run
 * several instances in one process; the global registry would mix them).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations: Counter<'transport' | 'type' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'transport' | 'type'>;
  private readonly httpResponses: Counter<'status'>;
  private readonly rateLimited: Counter<'limit'>;
  private readonly busRejected: Counter<'reason'>;
  private readonly cacheLookups: Counter<'result'>;
  private readonly earlyHits: Counter;
  private readonly sockets: Gauge;
  private readonly names = new Set<string>();
  private probe: Promise<bigint | null> | null = null;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'borderwatch_' });
    this.operations = new Counter({
      name: 'borderwatch_graphql_operations_total',
      help: 'GraphQL operations by transport, type, operation name and outcome ("ok" or the error code)',
      labelNames: ['transport', 'type', 'operation', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'borderwatch_graphql_operation_duration_seconds',
      help: 'Time to answer a GraphQL operation (HTTP), or to start a subscription (WebSocket)',
      labelNames: ['transport', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.httpResponses = new Counter({ name: 'borderwatch_http_responses_total', help: 'HTTP responses by status code', labelNames: ['status'], registers });
    this.rateLimited = new Counter({ name: 'borderwatch_rate_limited_total', help: 'Requests refused by a rate limit', labelNames: ['limit'], registers });
    this.busRejected = new Counter({
      name: 'borderwatch_bus_messages_rejected_total',
      help: 'Messages on the Redis channels dropped unread: "malformed", or "foreign" (another deployment\'s)',
      labelNames: ['reason'],
      registers,
    });
    this.cacheLookups = new Counter({
      name: 'borderwatch_response_cache_lookups_total',
      help: 'Public queries looked up in the response cache: answered from it (hit) or executed (miss)',
      labelNames: ['result'],
      registers,
    });
    // Both series from the start, so a rate over a window that began before the first lookup is right.
    for (const result of ['hit', 'miss'] as const) this.cacheLookups.inc({ result }, 0);
    this.earlyHits = new Counter({
      name: 'borderwatch_response_cache_early_hits_total',
      help: 'Hits answered before Express and Apollo, from the request bytes (src/server/early-hits.ts); also counted as lookups with result "hit"',
      registers,
    });
    this.sockets = new Gauge({ name: 'borderwatch_websocket_connections', help: 'Open WebSocket connections', registers });
    // prom-client calls collect() with the metric as `this`; the probe is this instance's.
    const latestSeq = () => this.latestSeq();
    new Gauge({
      name: 'borderwatch_subscriptions_active',
      help: 'Active feed and policyChanged subscriptions',
      registers,
      collect() {
        this.set(sources.activeSubscriptions());
      },
    });
    new Gauge({
      name: 'borderwatch_feed_relay_lag',
      help: 'Feed entries committed but not yet relayed by this instance (last committed sequence minus last relayed)',
      registers,
      async collect() {
        const latest = await latestSeq();
        if (latest !== null) this.set(Math.max(0, Number(latest - sources.relayedSeq())));
      },
    });
    new Gauge({
      name: 'borderwatch_postgres_up',
      help: 'Whether PostgreSQL answered this scrape (1) or not (0)',
      registers,
      async collect() {
        this.set((await latestSeq()) === null ? 0 : 1);
      },
    });
    new Gauge({
      name: 'borderwatch_redis_up',
      help: 'Whether Redis is connected (1) or not (0); 1 when no Redis is configured (in-process bus)',
      registers,
      collect() {
        this.set(sources.redis() === 'down' ? 0 : 1);
      },
    });
    new Gauge({
      name: 'borderwatch_response_cache_bytes',
      help: 'Size of the response cache (keys and answers, characters of JSON); at most RESPONSE_CACHE_MB',
      registers,
      collect() {
        this.set(sources.responseCache().bytes);
      },
    });
    new Gauge({
      name: 'borderwatch_response_cache_entries',
      help: 'Answers in the response cache',
      registers,
      collect() {
        this.set(sources.responseCache().entries);
      },
    });
  }

  operationDone(transport: Transport, type: string, name: string | null | undefined, outcome: string, seconds: number): void {
    this.operations.inc({ transport, type, operation: this.operationLabel(name), outcome });
    this.duration.observe({ transport, type }, seconds);
  }

  httpResponse(status: number): void {
    this.httpResponses.inc({ status: String(status) });
  }

  /** A request refused by a rate limit, or a socket by WS_MAX_SOCKETS_PER_ADDRESS (`wsSockets`). */
  limited(kind: RateLimitKind | 'wsSockets'): void {
    this.rateLimited.inc({ limit: kind });
  }

  busMessageRejected(reason: BusRejection): void {
    this.busRejected.inc({ reason });
  }

  responseCacheLookup(result: 'hit' | 'miss', early = false): void {
    this.cacheLookups.inc({ result });
    if (early) this.earlyHits.inc();
  }

  socketOpened(): void {
    this.sockets.inc();
  }

  socketClosed(): void {
    this.sockets.dec();
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES || !/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return 'other';
    this.names.add(name);
    return name;
  }

  /** One PostgreSQL read per scrape, shared by the gauges that need it; null when it fails. */
  private latestSeq(): Promise<bigint | null> {
    this.probe ??= within(this.sources.latestSeq(), 2_000)
      .catch(() => null)
      .finally(() => setImmediate(() => (this.probe = null)));
    return this.probe;
  }
}
