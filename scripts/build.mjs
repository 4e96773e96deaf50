#!/usr/bin/env node
/**
 * The build: Prisma client, TypeScript, playground bundle, the embedded database's starting point.
 *
 *   node scripts/build.mjs             always (npm run build, npm install)
 *   node scripts/build.mjs --if-stale  only when a source is newer than the last build (npm start, the CLIs)
 *   add --dry-run to say which without building, --root <dir> to look at another checkout (tests)
 *
 * Plain JavaScript because it runs before anything is compiled. Even with nothing to do, prisma
 * generate and tsc take 5-15 s on a small machine: `npm start` right after `npm install` should not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootIndex = args.indexOf('--root');
const root = rootIndex >= 0 ? path.resolve(args[rootIndex + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifStale = args.includes('--if-stale');
const dryRun = args.includes('--dry-run');

/** What the build reads. src/generated is what it writes (prisma generate), so it is not an input. */
const INPUTS = ['src', 'scripts', 'playground', 'prisma', 'test/bench', 'package.json', 'package-lock.json', 'prisma.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set([path.join(root, 'src', 'generated'), path.join(root, 'playground', 'node_modules')]);
const STAMP = path.join(root, 'dist', '.build-stamp');

const STEPS = [
  'prisma generate --no-hints >/dev/null',
  'tsc -p tsconfig.build.json',
  'node dist/scripts/build-playground.js',
  'node dist/scripts/build-pglite-template.js',
];

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

const reason = ifStale ? staleReason() : 'asked for';
if (dryRun) {
  console.log(reason ? `stale: ${reason}` : 'up to date');
  process.exit(0);
}
if (!reason) process.exit(0);

// The stamp gets the time the build started: a file saved during the build makes the next one run.
const started = new Date();
const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
for (const step of STEPS) {
  const result = spawnSync(step, { cwd: root, env, shell: true, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
mkdirSync(path.dirname(STAMP), { recursive: true });
writeFileSync(STAMP, `${started.toISOString()}\n`);
utimesSync(STAMP, started, started);
