import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { openDatabase, type Database } from '../db/database';
import { seedIfEmpty } from '../db/seed';
import type { FeedPublisher } from '../feed/feed.publisher';
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
  services: Services;
  server: Server;
  /** Stops accepting, finishes in-flight work, closes sockets and connections. */
  stop(): Promise<void>;
}

/** Starts one Borderwatch instance: database (embedded or not), seed, HTTP and WebSocket GraphQL. */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize, logger });
  const publisher: FeedPublisher = { committed: () => undefined };
  const services = createServices(db, config, publisher);
  if (config.seed === 'auto') await seedIfEmpty(db, services, logger);
  else await services.catalog.load();
  const schema = await buildBorderwatchSchema(services);

  const server = createServer();
  const ws = createWs(config, schema, services, server, logger);
  const { app } = await createHttp(config, schema, services, server, logger, [
    { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
  ]);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await db.prisma.$queryRawUnsafe('SELECT 1').then(() => 'up', () => 'down');
    res.status(database === 'up' ? 200 : 503).json({ status: database === 'up' ? 'ready' : 'unavailable', database });
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
    services,
    server,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ws.dispose();
      await db.close();
    },
  };
}
