import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { PrismaClient } from '../generated/prisma/client';
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { migrate } from './migrate';

export interface DatabaseOptions {
  /** External PostgreSQL; when absent an embedded PGlite in `dataDir` is started. */
  url: string | undefined;
  dataDir: string;
  poolSize: number;
  logger: Logger;
  /** Fail fast when PostgreSQL is away: how long to wait for a connection (default 2 s). */
  connectTimeoutMs?: number;
  /** Longest a statement may run before PostgreSQL cancels it (not applied to the embedded database). */
  statementTimeoutMs?: number;
}

export interface Database {
  prisma: PrismaClient;
  /** The same pool Prisma uses, for the few statements Prisma cannot express. */
  pool: Pool;
  embedded: boolean;
  /** SQL statements sent since start; the query-count tests and /metrics read it. */
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
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    ...(options.statementTimeoutMs && options.url ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // An idle client losing its server emits here; without a listener the process would crash.
  // Only the message and code are logged: the error carries the whole client, connection settings included.
  pool.on('error', (error: Error & { code?: string }) =>
    options.logger.warn({ err: { message: error.message, code: error.code } }, 'idle PostgreSQL connection failed'),
  );

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
  let queryCount = 0;
  prisma.$on('query', () => {
    queryCount += 1;
  });

  return {
    prisma,
    pool,
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
