import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
});
