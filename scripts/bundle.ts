import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Metafile } from 'esbuild';
import { projectRoot } from '../src/common/paths';

/**
 * What the page bundles (the playground, the map) share: a hash of their sources to skip a build
 * when nothing changed, and a build directory swapped in whole.
 */

/** A hash of every file under `sources` (paths from the project root; the lock file stands for the packages' versions). */
export async function sourceHash(sources: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const source of sources) {
    for (const file of await filesUnder(path.join(projectRoot, source))) {
      hash.update(path.relative(projectRoot, file)).update('\0').update(await readFile(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

async function filesUnder(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  const names = (await readdir(target)).sort();
  const nested = await Promise.all(names.map((name) => filesUnder(path.join(target, name))));
  return nested.flat();
}

/** The directory a build writes before it is swapped in, and the half-built ones of interrupted builds removed. */
export async function freshBuildDir(buildDir: string): Promise<string> {
  const parent = path.dirname(buildDir);
  const prefix = `${path.basename(buildDir)}.tmp-`;
  const names = await readdir(parent).catch(() => []);
  await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => rm(path.join(parent, name), { recursive: true, force: true })));
  return `${buildDir}.tmp-${process.pid}`;
}

/** Replaces the build directory with the new one whole, so a running server never serves half a build. */
export async function swapIn(newDir: string, buildDir: string): Promise<void> {
  await rm(buildDir, { recursive: true, force: true });
  await rename(newDir, buildDir);
}

/** The output file of `entry` with extension `ext` (esbuild names them `<entry>-<hash><ext>`). */
export function outputOf(metafile: Metafile, entry: string, ext: string): string {
  const found = Object.keys(metafile.outputs).find((file) => path.basename(file).startsWith(`${entry}-`) && file.endsWith(ext));
  if (!found) throw new Error(`esbuild wrote no ${entry}*${ext}`);
  return found;
}
