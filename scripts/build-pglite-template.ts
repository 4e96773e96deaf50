/**
 * Build step: an empty, initialised PGlite cluster, dumped to dist/. initdb in WebAssembly is most of
 * a first `npm start` (5-8 s on a small machine); loading its dump takes a fraction of that. The
 * dump depends only on PGlite's version, so it is made again only when that changes.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { embeddedTemplateFile, projectRoot } from '../src/common/paths';

async function pgliteVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(projectRoot, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

async function main(): Promise<void> {
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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
