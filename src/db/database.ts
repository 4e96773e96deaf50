import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import { within } from '../common/within';
import { PrismaClient } from '../generated/prisma/client';
import { readDeployment, type Deployment } from './deployment';
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { isConnectionFailure } from './errors';
import { migrate } from './migrate';
import { Sql } from './sql';

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
  /** How long a start waits for PostgreSQL to come up (a restart, a container started alongside) before it gives up; without it a start fails at once. */
  startWaitMs?: number;
}

export interface Database {
  prisma: PrismaClient;
  /** The same pool Prisma uses, for the few statements Prisma cannot express. */
  pool: Pool;
  /** Hand-written SQL on that pool, for the read paths every request takes. */
  sql: Sql;
  embedded: boolean;
  /** The database's own identity and cursor secret, read once at start. */
  deployment: Deployment;
  /** SQL statements sent since start (Prisma's and hand-written); the query-count tests read it. */
  readonly queryCount: number;
  close(): Promise<void>;
}

// PGlite answers one statement at a time; more connections only queue there.
const EMBEDDED_POOL_SIZE = 4;
const CLOSE_TIMEOUT_MS = 3_000;
/** How long the owner of a lost connection gets to release it itself. */
const LOST_CLIENT_GRACE_MS = 1_000;

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
  const applied = await untilReachable(() => migrate(url), options.startWaitMs ?? 0, options.logger);
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

  releaseLostClients(pool, options.logger);

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
  let queryCount = 0;
  prisma.$on('query', () => {
    queryCount += 1;
  });
  const deployment = await readDeployment(prisma);

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
    deployment,
    get queryCount() {
      return queryCount;
    },
    async close() {
      await prisma.$disconnect();
      // pool.end() waits for every checked-out client; a shutdown must not wait for ever.
      await within(pool.end(), CLOSE_TIMEOUT_MS).catch((error: unknown) => options.logger.warn({ err: { message: (error as Error).message } }, 'PostgreSQL pool did not close cleanly'));
      await embedded?.stop();
    },
  };
}

/**
 * A transaction's client whose connection dies (server restarted, backend
 * terminated) is not always handed back by Prisma's driver adapter: its
 * COMMIT or ROLLBACK fails first. Left alone, each such client shrinks the
 * pool for good (until every request waits for a connection that never
 * comes) and holds pool.end() for ever. A client still checked out a moment
 * after its connection ended is released here, as broken.
 */
function releaseLostClients(pool: Pool, logger: Logger): void {
  const held = new Set<PoolClient>();
  pool.on('acquire', (client) => held.add(client));
  pool.on('release', (_error, client) => held.delete(client));
  pool.on('connect', (client) => {
    client.once('end', () => {
      setTimeout(() => {
        if (!held.has(client)) return;
        held.delete(client);
        logger.warn('released a PostgreSQL connection that was lost while checked out');
        client.release(new Error('connection lost while checked out'));
      }, LOST_CLIENT_GRACE_MS).unref();
    });
  });
}

/** Runs `step`, again after a pause while PostgreSQL cannot be reached, for at most `waitMs`. */
async function untilReachable<T>(step: () => Promise<T>, waitMs: number, logger: Logger): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!isConnectionFailure(error) || Date.now() >= deadline) throw error;
      if (attempt === 1) logger.warn({ err: { message: (error as Error).message } }, 'PostgreSQL unreachable at start; waiting for it');
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2_000)));
    }
  }
}
