import { randomUUID } from 'node:crypto';
import { FeedKind } from '../../src/common/enums';
import { appendFeedEntries } from '../../src/feed/feed.writer';
import { gql, gqlData } from '../helpers/graphql';
import { capturingLogger } from '../helpers/log-capture';
import { eventually } from '../helpers/ports';
import { RawSocket } from '../helpers/raw-ws';
import { PrivateRedis } from '../helpers/redis-server';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(server: TestServer): Promise<{ contentType: string | null; samples: Sample[] }> {
  const response = await fetch(server.url.replace('/graphql', '/metrics'));
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), samples: parseMetrics(await response.text()) };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('metrics and probes', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A minute between polls: the relay learns of a write behind its back only when asked to.
    server = await startTestServer({ template: 'bare', env: { FEED_POLL_MS: '60000' } });
  });
  afterAll(() => server.stop());

  it('answers /healthz while the process runs', async () => {
    const response = await fetch(server.url.replace('/graphql', '/healthz'));
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('counts operations by transport, type, name and outcome, and times them', async () => {
    await gqlData(server.url, 'query CountriesPage { countries(first: 1) { totalCount } }');
    await gql(server.url, 'query Broken { nope }');
    await recordPolicyChange(server.url, {});
    const { contentType, samples } = await scrape(server);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const ops = 'borderwatch_graphql_operations_total';
    expect(value(samples, ops, { transport: 'http', type: 'query', operation: 'CountriesPage', outcome: 'ok' })).toBe(1);
    expect(value(samples, ops, { transport: 'http', operation: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(value(samples, ops, { transport: 'http', type: 'mutation', outcome: 'UNAUTHENTICATED' })).toBe(1);
    expect(value(samples, 'borderwatch_graphql_operation_duration_seconds_count', { transport: 'http', type: 'query' })).toBeGreaterThanOrEqual(2);
    expect(value(samples, 'borderwatch_http_responses_total', { status: '200' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'borderwatch_postgres_up')).toBe(1);
    expect(value(samples, 'borderwatch_redis_up')).toBe(1);
    expect(value(samples, 'borderwatch_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('keeps client-chosen operation names from growing the label set: past 100 they count as "other"', async () => {
    for (let i = 0; i < 110; i += 1) await gql(server.url, `query Name${i}_${randomUUID().slice(0, 8)} { __typename }`);
    const { samples } = await scrape(server);
    const names = new Set(samples.filter((s) => s.name === 'borderwatch_graphql_operations_total').map((s) => s.labels.operation));
    expect(names.size).toBeLessThanOrEqual(102);
    expect(names.has('other')).toBe(true);
  });

  it('gauges open sockets, active subscriptions and the relay lag (last committed sequence minus last relayed)', async () => {
    const socket = await RawSocket.ready(server.app.wsUrl);
    socket.subscribe('f', 'subscription { feed { cursor } }');
    await eventually(() => server.app.relay.listenerCount === 1, 5_000, 'the subscription');
    let { samples } = await scrape(server);
    expect(value(samples, 'borderwatch_websocket_connections')).toBe(1);
    expect(value(samples, 'borderwatch_subscriptions_active')).toBe(1);
    expect(value(samples, 'borderwatch_graphql_operations_total', { transport: 'ws', type: 'subscription', outcome: 'ok' })).toBe(1);
    expect(value(samples, 'borderwatch_feed_relay_lag')).toBe(0);

    // Two entries committed without telling this instance, as another instance's would be with Redis down.
    await server.app.db.prisma.$transaction((tx) => appendFeedEntries(tx, [1, 2].map(() => ({ kind: FeedKind.STATEMENT, countryCodes: ['FI'], reason: 'behind the relay' }))));
    ({ samples } = await scrape(server));
    expect(value(samples, 'borderwatch_feed_relay_lag')).toBe(2);

    socket.close();
    await eventually(() => server.app.relay.listenerCount === 0, 5_000, 'the subscription to end');
    ({ samples } = await scrape(server));
    expect(value(samples, 'borderwatch_websocket_connections')).toBe(0);
    expect(value(samples, 'borderwatch_subscriptions_active')).toBe(0);
  });
});

describe('when Redis goes away', () => {
  it('says so in /readyz (200, degraded), in the log and in /metrics, while writes and reads go on; and again when it is back', async () => {
    const redis = await PrivateRedis.start();
    const logs = capturingLogger('info');
    const server = await startTestServer({ template: 'bare', env: { REDIS_URL: redis.url, REDIS_PREFIX: `bw-${randomUUID()}` }, logger: logs.logger });
    try {
      const headers = await editorHeaders(server.app);
      await redis.stop();
      await eventually(() => server.app.bus.status === 'down', 5_000, 'the instance to notice');
      const ready = await fetch(server.url.replace('/graphql', '/readyz'));
      expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'degraded', database: 'up', redis: 'down' } });
      expect(logs.lines().some((line) => line.level === 40 && line.msg === 'redis connection lost; the feed relay falls back to polling PostgreSQL')).toBe(true);
      expect(value((await scrape(server)).samples, 'borderwatch_redis_up')).toBe(0);
      expect((await recordPolicyChange(server.url, headers)).errors).toBeUndefined();
      expect((await gqlData(server.url, '{ policies(first: 1) { totalCount } }')).policies.totalCount).toBe(1);

      await redis.start();
      await eventually(() => server.app.bus.status === 'up', 10_000, 'reconnection');
      expect(logs.lines().some((line) => line.msg === 'redis connection restored')).toBe(true);
      expect(value((await scrape(server)).samples, 'borderwatch_redis_up')).toBe(1);
    } finally {
      await server.stop();
      await redis.stop();
    }
  });
});
