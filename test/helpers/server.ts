import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../src/config/config';
import type { Clock } from '../../src/common/clock';
import { startApp, type App } from '../../src/server/app';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestServer {
  app: App;
  db: TestDatabase;
  url: string;
  config: Config;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  template?: 'bare' | 'seeded';
  /** Reuse a database (several instances on one database); otherwise a fresh copy of `template`. */
  database?: TestDatabase;
  env?: Record<string, string>;
  /** Where the instance logs (silent, or TEST_LOG_LEVEL, by default). */
  logger?: Logger;
  /** The instance's clock (test/helpers/clock.ts), to move time; the system's by default. */
  clock?: Clock;
}

/** A real Borderwatch instance on a free loopback port, over a database of the test's own. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = options.database ?? (await createTestDatabase(options.template ?? 'seeded'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: db.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED: 'never',
    // Tests write in bursts from one address: the rate-limit tests set their own limits.
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_WS_MESSAGES_PER_MINUTE: '1000000',
    ...options.env,
  });
  const app = await startApp(config, options.logger ?? pino({ level: config.logLevel }), { clock: options.clock });
  return {
    app,
    db,
    url: app.url,
    config,
    async stop() {
      await app.stop();
      if (!options.database) await db.drop();
    },
  };
}
