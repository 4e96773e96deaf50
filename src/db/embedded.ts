import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { embeddedTemplateFile } from '../common/paths';
import { BatchQueue } from './embedded-queue';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const SERVER_FILE = 'server.json';

/**
 * PGlite (PostgreSQL compiled to WebAssembly) kept in `dataDir`, served over
 * the wire protocol on a loopback port so that Prisma, pg and the migration
 * runner use exactly the code path they use against a real server. Its
 * address goes into `dataDir/server.json`, so that `npm run token` or
 * `npm run import` reach the running instance's database instead of opening
 * the same files a second time, which PGlite does not support.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = path.resolve(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir, loadDataDir: await templateFor(dir) });
  const server = socketServer(db);
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  const serverFile = path.resolve(dataDir, SERVER_FILE);
  await writeFile(serverFile, JSON.stringify({ pid: process.pid, url }));
  return {
    url,
    async stop() {
      await rm(serverFile, { force: true });
      await server.stop();
      await db.close();
    },
  };
}

/**
 * The wire-protocol server over `db`. PGlite runs one query at a time; the server queues the rest,
 * keeping each connection's statement batches and transactions together (BatchQueue), so a few
 * connections are safe.
 */
export function socketServer(db: PGlite): PGLiteSocketServer {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  BatchQueue.install(server, db);
  return server;
}

/** The build's initialised cluster, for a data directory that holds none yet (initdb is the slow part of a first start). */
async function templateFor(dir: string): Promise<Blob | undefined> {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return undefined;
  const template = await readFile(embeddedTemplateFile).catch(() => null);
  return template ? new Blob([template]) : undefined;
}

/** The URL of an embedded database another live process is serving from `dataDir`, if any. */
export async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  let info: { pid?: unknown; url?: unknown };
  try {
    info = JSON.parse(await readFile(path.resolve(dataDir, SERVER_FILE), 'utf8')) as typeof info;
  } catch {
    return null;
  }
  if (typeof info.pid !== 'number' || typeof info.url !== 'string' || !isAlive(info.pid)) return null;
  const client = new Client({ connectionString: info.url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return info.url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return pid !== process.pid;
  } catch {
    return false;
  }
}
