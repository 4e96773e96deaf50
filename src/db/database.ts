import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import { PrismaClient } from '../generated/prisma/client';
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { SqlReader } from './sql';

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
  /** Plain SQL reads through that pool, for the hot read paths. */
  sql: SqlReader;
  embedded: boolean;
  /** SQL statements sent since start, by Prisma or not (counted at the connections); the query-count tests and /metrics read it. */
  readonly queryCount: number;
  close(): Promise<void>;
}

// PGlite answers one statement at a time; more connections only queue there.
const EMBEDDED_POOL_SIZE = 4;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.url;
  if (!url) {
    url = (await runningEmbeddedUrl(options.dataDir)) ?? undefined;
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
  // Every statement on every connection of the pool, whoever sends it (Prisma, SqlReader, raw pool use).
  let queryCount = 0;
  pool.on('connect', (client: PoolClient) => {
    const query = client.query as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = function countedQuery(this: unknown, ...args: unknown[]) {
      queryCount += 1;
      return query.apply(this, args);
    };
  });

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });

  return {
    prisma,
    pool,
    // PGlite serves every connection from one session: named statements would collide there.
    sql: new SqlReader(pool, !embedded),
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
