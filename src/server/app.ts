import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { openDatabase, type Database } from '../db/database';
import { seedIfEmpty } from '../db/seed';
import { BusFeedPublisher, RelayingPublisher } from '../feed/feed.publisher';
import { feedRoutes } from '../feed/feed.http';
import { FeedRelay } from '../feed/feed.relay';
import { FeedStreams } from '../feed/feed.streams';
import type { Bus } from '../pubsub/bus';
import { createBus } from '../pubsub/create-bus';
import { createContext } from './context';
import { createHttp } from './http';
import { buildBorderwatchSchema } from './schema';
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
  /** Stops accepting, finishes in-flight work, closes sockets and connections. */
  stop(): Promise<void>;
}

/** Starts one Borderwatch instance: database (embedded or not), bus, feed relay, HTTP and WebSocket GraphQL. */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize, logger });
  const bus = await createBus(config, logger);
  const relay = new FeedRelay(db.prisma, bus, logger, { pollIntervalMs: config.feed.pollMs, fillBatch: 500 });
  const services = createServices(db, config, new RelayingPublisher(relay, new BusFeedPublisher(bus, logger)));
  if (config.seed === 'auto') await seedIfEmpty(db, services, logger);
  else await services.catalog.load();
  await relay.start();
  const streams = new FeedStreams(relay, services.feed, services.catalog, { maxQueue: config.feed.maxQueue, replayBatch: 500 });
  const makeContext = (source: Parameters<typeof createContext>[2]) => createContext(services, streams, source);
  const schema = await buildBorderwatchSchema(services);

  const server = createServer();
  const ws = createWs(config, schema, makeContext, server, logger);
  const { app, apollo } = await createHttp(config, schema, makeContext, server, logger, [
    { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
  ]);
  app.use(feedRoutes(services, config, logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await db.prisma.$queryRawUnsafe('SELECT 1').then(() => 'up', () => 'down');
    const redis = bus.kind === 'redis' ? bus.status : 'not used';
    // Without Redis an instance still serves everything (its relay polls PostgreSQL), so it stays
    // in rotation and says it is degraded; without PostgreSQL it can serve nothing.
    const status = database === 'down' ? 'unavailable' : redis === 'down' ? 'degraded' : 'ready';
    res.status(database === 'up' ? 200 : 503).json({ status, database, redis });
  });
  server.on('request', app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
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
    async stop() {
      // Apollo's drain: stop accepting, let in-flight requests finish, close sockets (1001 going away).
      await apollo.stop();
      await relay.stop();
      await bus.close();
      await db.close();
    },
  };
}
