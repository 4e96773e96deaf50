import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { PrismaClient } from '../generated/prisma/client';
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { Sql } from './sql';

export interface DatabaseOptions {
  /** External PostgreSQL; when absent an embedded PGlite in `dataDir` is started. */
  url: string | undefined;
  dataDir: string;
  poolSize: number;
  logger: Logger;
}

export interface Database {
  prisma: PrismaClient;
  /** The same pool Prisma uses, for the few statements Prisma cannot express. */
  pool: Pool;
  /** Hand-written SQL on that pool, for the read paths every request takes. */
  sql: Sql;
  embedded: boolean;
  /** SQL statements sent since start (Prisma's and hand-written); the query-count tests read it. */
  readonly queryCount: number;
  close(): Promise<void>;
}

// PGlite answers one statement at a time; more connections only queue there.
const EMBEDDED_POOL_SIZE = 4;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let sharedEmbedded = false;
  let url = options.url;
  if (!url) {
    url = (await runningEmbeddedUrl(options.dataDir)) ?? undefined;
    sharedEmbedded = url !== undefined;
    if (url) {
      options.logger.info({ dataDir: options.dataDir }, 'using the embedded PostgreSQL of the running instance');
    } else {
      embedded = await startEmbeddedPostgres(options.dataDir);
      url = embedded.url;
      options.logger.info({ dataDir: options.dataDir }, 'using embedded PostgreSQL (PGlite)');
    }
  }
  const applied = await migrate(url);
  if (applied.length > 0) options.logger.info({ migrations: applied }, 'applied migrations');

  const pool = new Pool({
    connectionString: url,
    max: embedded ? EMBEDDED_POOL_SIZE : options.poolSize,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server emits here; without a listener the process would crash.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'idle PostgreSQL connection failed'));

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
  let queryCount = 0;
  prisma.$on('query', () => {
    queryCount += 1;
  });

  return {
    prisma,
    pool,
    sql: new Sql(
      pool,
      () => {
        queryCount += 1;
      },
      !embedded && !sharedEmbedded,
    ),
    embedded: embedded !== undefined,
    get queryCount() {
      return queryCount;
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}
