#!/usr/bin/env node
/**
 * The build: Prisma client, TypeScript, playground and map bundles, the embedded database's starting point.
 *
 *   node scripts/build.mjs             always (npm run build, npm install)
 *   node scripts/build.mjs --if-stale  only when a source is newer than the last build (npm start, the CLIs)
 *   add --dry-run to say which without building, --root <dir> to look at another checkout (tests)
 *
 * Plain JavaScript because it runs before anything is compiled. Even with nothing to do, prisma
 * generate and tsc take 5-15 s on a small machine: `npm start` right after `npm install` should not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootIndex = args.indexOf('--root');
const root = rootIndex >= 0 ? path.resolve(args[rootIndex + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifStale = args.includes('--if-stale');
const dryRun = args.includes('--dry-run');

/** What the build reads. src/generated is what it writes (prisma generate), so it is not an input. */
const INPUTS = ['src', 'scripts', 'playground', 'map', 'prisma', 'test/bench', 'package.json', 'package-lock.json', 'prisma.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set([path.join(root, 'src', 'generated'), path.join(root, 'playground', 'node_modules')]);
const STAMP = path.join(root, 'dist', '.build-stamp');

const LOCK = path.join(root, 'dist', '.build-lock');
const LOCK_WAIT_MS = 10 * 60_000;

// BUILD_STEPS (a JSON array of shell commands) replaces the steps: the tests' way to watch the locking.
const STEPS = process.env.BUILD_STEPS
  ? JSON.parse(process.env.BUILD_STEPS)
  : ['prisma generate --no-hints >/dev/null', 'tsc -p tsconfig.build.json', 'node dist/scripts/build-playground.js', 'node dist/scripts/build-map.js', 'node dist/scripts/build-pglite-template.js'];

/** The first input found newer than `since` (ms), or null. */
function newerInput(since) {
  const visit = (file) => {
    if (SKIP.has(file)) return null;
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return null;
    }
    if (!stat.isDirectory()) return stat.mtimeMs > since ? file : null;
    for (const name of readdirSync(file)) {
      const found = visit(path.join(file, name));
      if (found) return found;
    }
    return null;
  };
  for (const input of INPUTS) {
    const found = visit(path.join(root, input));
    if (found) return found;
  }
  return null;
}

function staleReason() {
  if (!existsSync(STAMP)) return 'no build yet';
  const changed = newerInput(statSync(STAMP).mtimeMs);
  return changed ? `${path.relative(root, changed)} changed` : null;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * One build at a time per checkout: two `npm start` on a stale build would otherwise write the same
 * files at once. A lock left by a process that died is taken over.
 */
function lock() {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number(readFileSync(LOCK, 'utf8'));
      age = Date.now() - statSync(LOCK).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    // A pid is written at once; an empty lock is only stale once it is a few seconds old.
    const stale = Number.isInteger(holder) && holder > 0 ? !alive(holder) : age > 5_000;
    if (stale) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      console.error(`another build (pid ${holder}) has held ${path.relative(root, LOCK)} for too long`);
      process.exit(1);
    }
    sleep(200);
  }
}

let reason = ifStale ? staleReason() : 'asked for';
if (dryRun) {
  console.log(reason ? `stale: ${reason}` : 'up to date');
  process.exit(0);
}
if (!reason) process.exit(0);

lock();
let status = 0;
try {
  // Whoever held the lock may have just built what this process found stale.
  if (ifStale) reason = staleReason();
  if (reason) status = build();
} finally {
  rmSync(LOCK, { force: true });
}
process.exit(status);

function build() {
  // The stamp gets the time the build started: a file saved during the build makes the next one run.
  const started = new Date();
  const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
  for (const step of STEPS) {
    const result = spawnSync(step, { cwd: root, env, shell: true, stdio: 'inherit' });
    if (result.status !== 0) return result.status ?? 1;
  }
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
  return 0;
}
