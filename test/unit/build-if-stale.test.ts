import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `npm start` and the CLIs build only when a source is newer than the last build (scripts/build.mjs --if-stale). */
describe('build --if-stale', () => {
  let root: string;
  const verdict = () =>
    execFileSync(process.execPath, [path.resolve('scripts/build.mjs'), '--if-stale', '--dry-run', '--root', root], { encoding: 'utf8' }).trim();
  const at = (file: string, seconds: number) => {
    const time = new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
    utimesSync(path.join(root, file), time, time);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'bw-build-'));
    for (const dir of ['src/feed', 'src/generated/prisma', 'prisma', 'dist']) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, 'src/feed/feed.relay.ts'), '');
    writeFileSync(path.join(root, 'src/generated/prisma/client.ts'), '');
    writeFileSync(path.join(root, 'prisma/schema.prisma'), '');
    at('src/feed/feed.relay.ts', 0);
    at('src/generated/prisma/client.ts', 0);
    at('prisma/schema.prisma', 0);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds when there was no build yet', () => {
    expect(verdict()).toBe('stale: no build yet');
  });

  it('skips the build when nothing changed since, and builds again when a source or the schema changes', () => {
    writeFileSync(path.join(root, 'dist/.build-stamp'), '');
    at('dist/.build-stamp', 10);
    expect(verdict()).toBe('up to date');
    at('src/feed/feed.relay.ts', 20);
    expect(verdict()).toBe(`stale: ${path.join('src', 'feed', 'feed.relay.ts')} changed`);
    at('src/feed/feed.relay.ts', 0);
    at('prisma/schema.prisma', 20);
    expect(verdict()).toBe(`stale: ${path.join('prisma', 'schema.prisma')} changed`);
  });

  it('does not count what the build itself writes (the generated Prisma client) as a change', () => {
    writeFileSync(path.join(root, 'dist/.build-stamp'), '');
    at('dist/.build-stamp', 10);
    at('src/generated/prisma/client.ts', 20);
    expect(verdict()).toBe('up to date');
  });

  /** Runs the build with steps that log when they start and end, as `npm start` would (`--if-stale`) or `npm run build`. */
  const build = (...args: string[]) =>
    new Promise<number | null>((resolve) => {
      const steps = ['echo start >> build.log', 'sleep 0.5', 'echo end >> build.log'];
      const child = spawn(process.execPath, [path.resolve('scripts/build.mjs'), '--root', root, ...args], {
        env: { ...process.env, BUILD_STEPS: JSON.stringify(steps) },
        stdio: 'ignore',
      });
      child.on('exit', resolve);
    });
  const buildLog = () => readFileSync(path.join(root, 'build.log'), 'utf8').trim().split('\n');

  it('builds once when two starts find the build stale at the same time', async () => {
    expect(await Promise.all([build('--if-stale'), build('--if-stale')])).toEqual([0, 0]);
    expect(buildLog()).toEqual(['start', 'end']);
    expect(verdict()).toBe('up to date');
    expect(existsSync(path.join(root, 'dist/.build-lock'))).toBe(false);
  });

  it('never runs two builds at once', async () => {
    expect(await Promise.all([build(), build()])).toEqual([0, 0]);
    expect(buildLog()).toEqual(['start', 'end', 'start', 'end']);
  });

  it('takes over a lock left by a build that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(root, 'dist/.build-lock'), String(dead));
    expect(await build('--if-stale')).toBe(0);
    expect(buildLog()).toEqual(['start', 'end']);
    expect(existsSync(path.join(root, 'dist/.build-lock'))).toBe(false);
  });
});
