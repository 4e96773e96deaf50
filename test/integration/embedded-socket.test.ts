import { execFile } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../../src/common/paths';
import { loadConfig } from '../../src/config/config';
import { startApp, type App } from '../../src/server/app';

/**
 * Issue 11, item 15: PGlite checks no password, so the embedded database must
 * not be reachable by another local user: it listens on a Unix socket in a
 * directory only its user may enter, and on no TCP port.
 */
let app: App;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'bw-socket-'));
  app = await startApp(loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
}, 120_000);
afterAll(async () => {
  await app.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

/** TCP ports this process listens on (its sockets in /proc/self/fd, in LISTEN state in /proc/net/tcp*). */
async function listeningPorts(): Promise<number[]> {
  const inodes = new Set(
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter(Boolean),
  );
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[3] === '0A' && inodes.has(columns[9])) ports.push(parseInt(columns[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** Connects with pg as another user (nobody), the way any local account could try. */
function connectAs(uid: number, url: string): Promise<string> {
  const script = `new (require('pg').Client)({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 }).connect()
    .then(() => { console.log('connected'); process.exit(0); }, (error) => { console.log(error.code ?? error.message); process.exit(0); })`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script, url], { cwd: projectRoot, uid, gid: uid, env: { PATH: process.env.PATH } }, (error, stdout) =>
      resolve(error ? `failed: ${error.message}` : stdout.trim()),
    );
  });
}

describe('the embedded database', () => {
  it('listens on a Unix socket only its user can open (0600, in a 0700 directory) and on no TCP port', async () => {
    const info = JSON.parse(await readFile(path.join(dataDir, 'server.json'), 'utf8')) as { url: string };
    const socketDir = new URL(info.url).searchParams.get('host')!;
    expect(socketDir).toBe(path.join(dataDir, 'run'));
    expect(await modeOf(socketDir)).toBe(0o700);
    expect(await modeOf(path.join(socketDir, '.s.PGSQL.5432'))).toBe(0o600);
    expect(await modeOf(path.join(dataDir, 'server.json'))).toBe(0o600);
    // The HTTP port is the only one this process listens on.
    expect(await listeningPorts()).toEqual([app.port]);
  });

  it('refuses another local user', async () => {
    // The suite runs as root (.ci/run installs packages), which can act as nobody.
    expect(process.getuid?.()).toBe(0);
    const info = JSON.parse(await readFile(path.join(dataDir, 'server.json'), 'utf8')) as { url: string };
    expect(await connectAs(65534, info.url)).toBe('EACCES');
  });

  it('still serves its own user, through the address in server.json', async () => {
    const info = JSON.parse(await readFile(path.join(dataDir, 'server.json'), 'utf8')) as { url: string };
    expect(await connectAs(0, info.url)).toBe('connected');
  });
});
