import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { embeddedTemplateFile } from '../common/paths';
import { BatchQueue } from './embedded-queue';
import { seededTemplateIsCurrent, TEMPLATE_CLUSTER_DIR } from './embedded-template';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const SERVER_FILE = 'server.json';
/** As the deployment migration makes it (prisma/migrations/20261202180000_deployment). */
const NEW_IDENTITY = `UPDATE deployment SET id = gen_random_uuid(), secret = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`;
/** The name PostgreSQL clients look for in a socket directory (`host=<dir>`, port 5432). */
const SOCKET_NAME = '.s.PGSQL.5432';
/** A Unix socket's path must fit in 108 bytes (sun_path); longer data directories get a private one in the temp directory. */
const MAX_SOCKET_PATH = 100;

/**
 * PGlite (PostgreSQL compiled to WebAssembly) kept in `dataDir`, served over
 * the wire protocol so that Prisma, pg and the migration runner use exactly
 * the code path they use against a real server. PGlite checks no password, so
 * it listens on a Unix socket only this user can open (mode 0600, in a
 * directory of mode 0700: `dataDir/run`), never on a TCP port another local
 * user could reach. Its address goes into `dataDir/server.json` (mode 0600),
 * so that `npm run token` or `npm run import`, run by the same user, reach
 * the running instance's database instead of opening the same files a second
 * time, which PGlite does not support.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = path.resolve(dataDir, 'pglite');
  const seeded = !existsSync(path.join(dir, 'PG_VERSION')) && (await seededTemplateIsCurrent());
  if (seeded) await cp(TEMPLATE_CLUSTER_DIR, dir, { recursive: true });
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir, loadDataDir: seeded ? undefined : await templateFor(dir) });
  // A copy must not share the template's identity: its cursor secret would sign for every copy.
  if (seeded) await db.exec(NEW_IDENTITY);
  const socket = await privateSocketDir(dataDir);
  const server = socketServer(db, path.join(socket.dir, SOCKET_NAME));
  await server.start();
  await chmod(path.join(socket.dir, SOCKET_NAME), 0o600);
  const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socket.dir)}&sslmode=disable`;
  const serverFile = path.resolve(dataDir, SERVER_FILE);
  await writeFile(serverFile, JSON.stringify({ pid: process.pid, url }), { mode: 0o600 });
  await chmod(serverFile, 0o600);
  return {
    url,
    async stop() {
      await rm(serverFile, { force: true });
      await server.stop();
      await db.close();
      await socket.remove();
    },
  };
}

/**
 * The wire-protocol server over `db`, on the Unix socket `socketPath`. PGlite runs one query at a
 * time; the server queues the rest, keeping each connection's statement batches and transactions
 * together (BatchQueue), so a few connections are safe.
 */
export function socketServer(db: PGlite, socketPath: string): PGLiteSocketServer {
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 8 });
  BatchQueue.install(server, db);
  return server;
}

/**
 * A directory only this user may enter, for the socket: `dataDir/run`, or a
 * fresh one in the temp directory when that path would be too long. A socket
 * left by a process that died is removed (only reached when no live instance
 * serves this data directory).
 */
async function privateSocketDir(dataDir: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = path.resolve(dataDir, 'run');
  if (path.join(dir, SOCKET_NAME).length > MAX_SOCKET_PATH) {
    const temporary = await mkdtemp(path.join(tmpdir(), 'borderwatch-'));
    return { dir: temporary, remove: () => rm(temporary, { recursive: true, force: true }) };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await rm(path.join(dir, SOCKET_NAME), { force: true });
  return { dir, remove: async () => undefined };
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
