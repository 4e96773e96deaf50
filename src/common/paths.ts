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
/**
 * An embedded data directory migrated and seeded by the build (every passport's history): a fresh
 * `.data/` starts as a copy of it, when it was made from the migrations and seed files of this
 * checkout (src/db/embedded-template.ts), instead of seeding at its first start.
 */
export const seededTemplateDir = path.join(projectRoot, 'dist', 'pglite-seeded');
