import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../common/clock';
import type { Config } from '../config/config';
import { openDatabase, type Database } from '../db/database';
import { seedIfEmpty } from '../db/seed';
import { BusFeedPublisher, RelayingPublisher } from '../feed/feed.publisher';
import { feedRoutes } from '../feed/feed.http';
import { FeedRelay } from '../feed/feed.relay';
import { FeedStreams } from '../feed/feed.streams';
import { InForceScheduler } from '../feed/in-force.scheduler';
import { InForceWriter } from '../feed/in-force.writer';
import { ReplayQueue } from '../feed/replay-queue';
import type { Bus } from '../pubsub/bus';
import { createBus } from '../pubsub/create-bus';
import { createContext } from './context';
import { mountHealth } from './health';
import { createHttp, finishHttp } from './http';
import { earlyHits } from './early-hits';
import { responseCache } from './response-cache';
import { InFlight } from './in-flight';
import { apolloLimits } from './limits/apollo';
import { OperationGuard } from './limits/guard';
import { Metrics } from './metrics';
import { RateLimits } from './rate-limit';
import { buildBorderwatchSchema } from './schema';
import { loadTrustedDocuments } from './trusted-documents';
import { createServices, type Services } from './services';
import { createWs } from './ws';

export interface App {
  /** http://host:port/graphql */
  url: string;
  wsUrl: string;
  port: number;
  db: Database;
  bus: Bus;
  relay: FeedRelay;
  services: Services;
  schema: GraphQLSchema;
  server: Server;
  metrics: Metrics;
  /** Stops accepting, finishes in-flight work, closes sockets and connections. */
  stop(): Promise<void>;
}

/** What only code starting an instance can choose (tests), as opposed to configuration. */
export interface AppOptions {
  /** The time of day the in-force scheduler goes by; the system's by default. */
  clock?: Clock;
}

/** Looks for in-force items due even without a midnight passing: after a failed run, or a clock that jumped. */
const IN_FORCE_SAFETY_NET_MS = 60_000;

/** Starts one Borderwatch instance: database (embedded or not), bus, feed relay, HTTP and WebSocket GraphQL. */
export async function startApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  // First: a manifest that does not match its documents stops the start before anything is opened.
  const trusted = await loadTrustedDocuments(config.trustedDocuments.file, config.trustedDocuments.only);
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    logger,
    connectTimeoutMs: config.dbTimeouts.connectMs,
    statementTimeoutMs: config.dbTimeouts.statementMs,
    startWaitMs: config.dbTimeouts.startWaitMs,
  });
  // What this instance knows is committed, not what it relayed: a gap being filled must not hide its own writes.
  const answers = responseCache(config.responseCacheBytes, () => relay.committedSeq, (result, early) => metrics.responseCacheLookup(result, early));
  // Before the bus: a message may arrive, and be counted, as soon as the relay subscribes.
  const metrics = new Metrics({
    latestSeq: () => services.feed.latestSeq(),
    relayedSeq: () => relay.relayedSeq,
    activeSubscriptions: () => relay.listenerCount,
    redis: () => (bus.kind === 'redis' ? bus.status : 'not used'),
    responseCache: () => answers.stats(),
  });
  const bus = await createBus(config, logger, { deployment: db.deployment.id, rejected: (reason) => metrics.busMessageRejected(reason) });
  const relay = new FeedRelay(db.sql, bus, logger, { pollIntervalMs: config.feed.pollMs, fillBatch: 500 });
  const publisher = new RelayingPublisher(relay, new BusFeedPublisher(bus, logger));
  const services = createServices(db, config, publisher);
  if (config.seed === 'auto') await seedIfEmpty(db, services, logger);
  else await services.catalog.load();
  await relay.start();
  // After the relay: the items it writes reach this instance's subscribers like any write's.
  const inForce = new InForceScheduler(new InForceWriter(db.prisma, publisher), options.clock ?? systemClock, logger, {
    safetyNetMs: IN_FORCE_SAFETY_NET_MS,
  });
  await inForce.start();
  // Subscribers' replays may use half the pool at most, one query per socket at a time; the rest is for everyone else.
  const replays = new ReplayQueue({ total: Math.max(1, Math.floor(db.pool.options.max / 2)), perClient: 1 });
  const streams = new FeedStreams(relay, services.feed, services.catalog, { maxQueue: config.feed.maxQueue, replayBatch: 500 }, replays);
  const makeContext = (source: Parameters<typeof createContext>[2]) => createContext(services, streams, source);
  const schema = await buildBorderwatchSchema(services);

  const rateLimits = new RateLimits(config.rateLimits, (kind) => metrics.limited(kind));
  const guard = new OperationGuard(schema, config.limits, config.pageSize, config.introspection);
  const inFlight = new InFlight();

  // Slow clients (slowloris) lose their connection once these pass; Node checks them every second.
  const server = createServer({
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    connectionsCheckingInterval: 1_000,
  });
  const ws = createWs(config, schema, makeContext, server, logger, { guard, metrics, rateLimits, trusted });
  // The drain hook closes the sockets should apollo.stop() ever run without shutdown() (dispose runs once).
  const { app, apollo } = await createHttp(config, schema, makeContext, server, logger, { limits: apolloLimits(guard), metrics, rateLimits, inFlight, trusted, answers }, [
    { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
    answers,
  ]);
  app.use(feedRoutes(services, config, logger));
  mountHealth(app, db, bus, metrics);
  finishHttp(app, logger);
  // Repeated public reads are answered before Express when the response cache has them (early-hits.ts).
  server.on('request', earlyHits({ answers, metrics, logger, inFlight }, app));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    db,
    bus,
    relay,
    services,
    schema,
    server,
    metrics,
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };

  /**
   * Within SHUTDOWN_GRACE_MS: no new connections; in-flight requests finish
   * (their writes commit and reach this instance's subscribers); the
   * subscriptions send what they were given; sockets close with 1001 (going
   * away) so clients resume elsewhere; then Apollo's drain cuts what is left.
   */
  async function shutdown(): Promise<void> {
    const deadline = Date.now() + config.http.shutdownGraceMs;
    ws.stopAccepting();
    server.close();
    server.closeIdleConnections();
    if (!(await inFlight.idle(Math.max(0, deadline - Date.now() - 2_000)))) {
      logger.warn({ inFlight: inFlight.size }, 'requests still running at the end of the grace period; cutting them');
    }
    await inForce.stop();
    await streams.settle(500);
    logger.debug('shutdown: requests done; closing sockets');
    await ws.dispose();
    await apollo.stop();
    logger.debug('shutdown: HTTP and WebSocket closed; stopping the relay');
    await relay.stop();
    await bus.close();
    logger.debug('shutdown: closing the database');
    await db.close();
    logger.debug('shutdown: done');
  }
}
