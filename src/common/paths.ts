import { existsSync } from 'node:fs';
import path from 'node:path';

/** The directory holding package.json, whether running from `src/` or `dist/src/`. */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot(__dirname);
export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');
export const seedDir = path.join(projectRoot, 'prisma', 'seed');
/** An initialised, empty PGlite cluster written by the build: a fresh `.data/` starts from it instead of running initdb. */
export const embeddedTemplateFile = path.join(projectRoot, 'dist', 'pglite-template.tar.gz');
