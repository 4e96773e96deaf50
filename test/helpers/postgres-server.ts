import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { eventually, freePort } from './ports';

const BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A private PostgreSQL cluster on its own loopback port, for outage tests:
 * it can be stopped (immediate shutdown, as a crash looks to clients) and
 * started again without touching the shared server. initdb and postgres
 * refuse to run as root, so both run as the postgres user.
 */
export class PrivatePostgres {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bw-pg-'));
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
    chownSync(dir, uid, gid);
    const data = path.join(dir, 'data');
    const init = spawnSync('runuser', ['-u', 'postgres', '--', `${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    const pg = new PrivatePostgres(await freePort(), dir);
    // However the test process ends, the cluster goes with it.
    process.once('exit', () => pg.stopNow());
    await pg.start();
    return pg;
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  databaseUrl(name: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${name}`;
  }

  async start(): Promise<void> {
    const args = ['-D', path.join(this.dir, 'data'), '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'];
    args.push('-c', `unix_socket_directories=${this.dir}`);
    this.child = spawn('runuser', ['-u', 'postgres', '--', `${BIN}/postgres`, ...args], { stdio: 'ignore' });
    await eventually(() => this.ping(), 30_000, `postgres on port ${this.port}`);
  }

  /** Like a crash: no checkpoint, clients see their connections drop. */
  async stop(): Promise<void> {
    this.stopNow();
  }

  private stopNow(): void {
    if (!this.child) return;
    this.child = null;
    spawnSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', path.join(this.dir, 'data'), 'stop', '-m', 'immediate', '-w'], {
      stdio: 'ignore',
      timeout: 30_000,
    });
  }

  async query(sql: string, database = 'postgres'): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl(database) });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  /** Stops the server and removes its files. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async ping(): Promise<boolean> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
