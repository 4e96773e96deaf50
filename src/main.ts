import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { startApp } from './server/app';
import { createLogger } from './server/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  let app;
  try {
    app = await startApp(config, logger);
  } catch (error) {
    // A start that cannot happen (PostgreSQL away for good, a port taken) is one clear line, not a stack trace.
    logger.fatal({ err: { message: (error as Error).message, code: (error as { code?: unknown }).code } }, 'Borderwatch could not start');
    process.exit(1);
  }
  logger.info({ url: app.url, embedded: app.db.embedded }, 'Borderwatch is listening');
  console.log(`Borderwatch GraphQL: ${app.url} (WebSocket: ${app.wsUrl})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A shutdown that hangs must not hold the process: exit non-zero, and say so.
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.http.shutdownGraceMs + 2_000).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
