import { spawn, type ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { eventually, freePort } from './ports';

/**
 * A private redis-server on its own loopback port, for outage tests: it can
 * be stopped and started again without touching the shared one.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await eventually(() => this.ping(), 10_000, `redis-server on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** CLIENT PAUSE ALL: connections are accepted and no command is answered for `ms`, like a hung server. */
  async pause(ms = 60_000): Promise<void> {
    const admin = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await admin.connect();
      await admin.client('PAUSE', String(ms), 'ALL');
    } finally {
      admin.disconnect();
    }
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 0 });
    // A refused connection is the answer while the server starts, not an error to print.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
