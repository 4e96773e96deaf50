import 'reflect-metadata';
import pino from 'pino';
import { ConfigError, loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/database';
import { seedIfEmpty } from '../src/db/seed';
import { BusFeedPublisher } from '../src/feed/feed.publisher';
import { parseImportArgs, USAGE, UsageError } from '../src/importer/cli-args';
import { ImportFileError } from '../src/importer/import.types';
import { createProgress } from '../src/importer/progress';
import { readImportFiles } from '../src/importer/read-file';
import { formatReport } from '../src/importer/report-format';
import { createBus } from '../src/pubsub/create-bus';
import { createServices } from '../src/server/services';

/** From this many rows, the bulk path (src/importer/bulk-import.ts): the batch importer takes a transaction per 500 rows. */
const BULK_ROWS = 10_000;

/** Exit codes: the shell and CI read whether anything was refused. */
export enum ImportExit {
  OK = 0,
  ROWS_REJECTED = 1,
  /** A malformed file or a bad command line: nothing was written. */
  MALFORMED = 2,
  /** The database or something else failed. */
  FAILED = 3,
}

/**
 * `npm run import -- <file>...`: reads every file first (a malformed one stops
 * everything before a write), opens the database as `npm start` does
 * (DATABASE_URL, or the embedded one in DATA_DIR), prepares an empty one the
 * same way (migrations, countries, seed unless SEED=never), then imports all
 * rows in one run so that histories spread over files append in date order.
 * Feed items are written with the rows and announced on the bus the servers
 * listen to (Redis with REDIS_URL), so their subscribers get them at once
 * rather than at the servers' next poll.
 */
async function main(argv: readonly string[]): Promise<ImportExit> {
  const args = parseImportArgs(argv);
  const rows = await readImportFiles(args.files);
  const config = loadConfig();
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, startWaitMs: config.dbTimeouts.startWaitMs, poolSize: Math.min(config.dbPoolSize, 4), logger });
  // A CLI counts no metrics: a message it would reject (it only publishes) is just dropped.
  const bus = await createBus(config, logger, { deployment: db.deployment.id, rejected: () => undefined });
  try {
    const services = createServices(db, config, new BusFeedPublisher(bus, logger));
    if (config.seed === 'auto') await seedIfEmpty(db, services, logger);
    else await services.catalog.load();
    const progress = createProgress();
    const onProgress = (done: number, total: number) => progress.update(done, total);
    // A large file goes in as one transaction (same records, same feed items); --batch-size asks for batches.
    const report =
      rows.length >= BULK_ROWS && args.batchSize === undefined
        ? await services.bulkImporter.run(rows, { dryRun: args.dryRun, onProgress })
        : await services.importer.run(rows, { batchSize: args.batchSize, dryRun: args.dryRun, onProgress });
    progress.stop();
    process.stdout.write(formatReport(report, args.dryRun));
    return report.rejected.length > 0 ? ImportExit.ROWS_REJECTED : ImportExit.OK;
  } finally {
    // Closing lets the notices already handed to Redis go out first (the connection ends after them).
    await bus.close();
    await db.close();
  }
}

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = ImportExit.MALFORMED;
    } else if (error instanceof ImportFileError || error instanceof ConfigError) {
      console.error(`${error.message}\nnothing was imported`);
      process.exitCode = ImportExit.MALFORMED;
    } else {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = ImportExit.FAILED;
    }
  },
);
