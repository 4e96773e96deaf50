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
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import { embeddedTemplateFile, projectRoot, seededTemplateDir } from '../src/common/paths';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/database';
import { templateKey, TEMPLATE_KEY_FILE } from '../src/db/embedded-template';
import { seedIfEmpty } from '../src/db/seed';
import { createServices } from '../src/server/services';

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

async function seededDirectory(): Promise<void> {
  const key = await templateKey();
  const made = await readFile(TEMPLATE_KEY_FILE, 'utf8').catch(() => null);
  if (made?.trim() === key) return;
  const started = Date.now();
  // Made aside and renamed, as above; the key is written last, so a half-made template is never current.
  const partial = `${seededTemplateDir}.${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const logger = pino({ level: 'warn' });
  const db = await openDatabase({ url: undefined, dataDir: partial, poolSize: 2, logger });
  try {
    const services = createServices(db, loadConfig({ NODE_ENV: 'production' }), { committed: () => undefined });
    const report = await seedIfEmpty(db, services, logger);
    if (!report || report.rejected.length > 0) throw new Error(`seed failed: ${JSON.stringify(report?.rejected ?? 'nothing loaded')}`);
    // Hint bits set and statistics fresh now, not by the first reads of every copy; then the write-ahead
    // log of the load is no longer needed, and fewer files are copied to each new data directory.
    await db.pool.query('VACUUM ANALYZE');
    await db.pool.query('CHECKPOINT');
  } finally {
    await db.close();
  }
  // Only the cluster: the socket directory and server file belong to a running instance.
  await rm(path.join(partial, 'run'), { recursive: true, force: true });
  await rm(seededTemplateDir, { recursive: true, force: true });
  await rename(partial, seededTemplateDir);
  await writeFile(TEMPLATE_KEY_FILE, `${key}\n`);
  console.log(`embedded database seeded in ${((Date.now() - started) / 1000).toFixed(1)} s (dist/pglite-seeded)`);
}

async function main(): Promise<void> {
  await emptyCluster();
  await seededDirectory();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
