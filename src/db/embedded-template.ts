import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrationsDir, projectRoot, seedDir, seededTemplateDir } from '../common/paths';

/** Where the seeded template records what it was made from. */
export const TEMPLATE_KEY_FILE = path.join(seededTemplateDir, 'made-from');
/** The cluster itself, as PGlite keeps it (`<data dir>/pglite`). */
export const TEMPLATE_CLUSTER_DIR = path.join(seededTemplateDir, 'pglite');

/**
 * What the seeded template depends on: PGlite's version (the files' format),
 * every migration and every seed file (names and contents). A template made
 * from other ones is stale: a fresh data directory then migrates and seeds at
 * its first start, as it did before the template existed.
 */
export async function templateKey(dirs: { migrations: string; seed: string } = { migrations: migrationsDir, seed: seedDir }): Promise<string> {
  const hash = createHash('sha256');
  const manifest = JSON.parse(await readFile(path.join(projectRoot, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  hash.update(`pglite ${manifest.version}\n`);
  for (const [name, dir] of Object.entries(dirs)) {
    for (const file of await filesUnder(dir)) {
      hash.update(`${name}/${path.relative(dir, file)}\n`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex');
}

/** Whether the build's seeded template matches this checkout. */
export async function seededTemplateIsCurrent(): Promise<boolean> {
  const made = await readFile(TEMPLATE_KEY_FILE, 'utf8').catch(() => null);
  return made !== null && made.trim() === (await templateKey());
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
