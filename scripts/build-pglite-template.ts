/**
 * Build step: the embedded database's starting points, in dist/.
 *
 * - An empty, initialised PGlite cluster (dist/pglite-template.tar.gz). initdb in WebAssembly takes
 *   5-8 s on a small machine; loading its dump a fraction of that. Made again when PGlite's version changes.
 * - A data directory migrated and seeded with everything a first start loads, every passport's history
 *   included (dist/pglite-seeded/): loading a hundred thousand versions into PGlite takes minutes, so it
 *   is done once here, and a fresh `.data/` starts as a copy of it (src/db/embedded.ts). Made again when
 *   a migration, a seed file or PGlite's version changes (src/db/embedded-template.ts).
 */
import 'reflect-metadata';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { embeddedTemplateFile, projectRoot } from '../src/common/paths';
import { ensureSeededTemplate } from '../src/db/seeded-template';

async function pgliteVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(projectRoot, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

async function emptyCluster(): Promise<void> {
  const version = await pgliteVersion();
  const versionFile = `${embeddedTemplateFile}.version`;
  const built = await readFile(versionFile, 'utf8').catch(() => null);
  if (built === version) return;
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  // Written aside and renamed: a start never reads half a template.
  const partial = `${embeddedTemplateFile}.${process.pid}`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, embeddedTemplateFile);
  await writeFile(versionFile, version);
}

async function main(): Promise<void> {
  await emptyCluster();
  const seconds = await ensureSeededTemplate();
  if (seconds !== null) console.log(`embedded database seeded in ${seconds.toFixed(1)} s (dist/pglite-seeded)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
