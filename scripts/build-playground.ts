import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { projectRoot } from '../src/common/paths';
import { PLAYGROUND_ASSETS_PATH, playgroundBuildDir } from '../src/playground/playground.paths';

/**
 * Bundles the GraphiQL playground (playground/*, with GraphiQL, React and
 * Monaco from node_modules) into dist/playground: a page template, one
 * script, one stylesheet and Monaco's three workers, all served by
 * Borderwatch itself. Skipped when nothing it is built from has changed,
 * so that `npm start` stays fast.
 */
const SOURCES = ['playground', 'src/playground/examples.ts', 'src/playground/playground.paths.ts', 'scripts/build-playground.ts', 'package-lock.json'];
const STAMP = '.source-hash';

/** Monaco's workers; the labels are the ones Monaco asks MonacoEnvironment.getWorker for. */
const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
} as const;

export async function buildPlayground(options: { force?: boolean } = {}): Promise<'built' | 'up to date'> {
  const hash = await sourceHash();
  if (!options.force && (await readFile(path.join(playgroundBuildDir, STAMP), 'utf8').catch(() => '')) === hash) return 'up to date';

  // Built beside the old one and swapped in whole, so a running server never serves half a build.
  const outdir = `${playgroundBuildDir}.tmp-${process.pid}`;
  await removeLeftovers();
  const common = { bundle: true, minify: true, target: 'es2022', outdir, entryNames: '[name]-[hash]', metafile: true, logLevel: 'warning' } as const;

  const workers = await build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(WORKERS).map(([label, module]) => [`${label}.worker`, module])),
    // Classic workers: no module-worker support needed in the browser.
    format: 'iife',
  });
  const workerUrls = Object.fromEntries(
    Object.keys(WORKERS).map((label) => [label, assetUrl(outputOf(workers.metafile, `${label}.worker`, '.js'))]),
  );

  const page = await build({
    ...common,
    entryPoints: { main: path.join(projectRoot, 'playground', 'main.tsx') },
    format: 'esm',
    jsx: 'automatic',
    // Licence texts of everything bundled go to a file beside the bundle instead of being dropped.
    legalComments: 'linked',
    define: { PLAYGROUND_WORKERS: JSON.stringify(workerUrls), 'process.env.NODE_ENV': '"production"' },
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    assetNames: 'assets/[name]-[hash]',
  });

  const template = await readFile(path.join(projectRoot, 'playground', 'index.html'), 'utf8');
  const html = template
    .replace('%SCRIPT%', assetUrl(outputOf(page.metafile, 'main', '.js')))
    .replace('%STYLE%', assetUrl(outputOf(page.metafile, 'main', '.css')));
  await writeFile(path.join(outdir, 'index.html'), html);
  await writeFile(path.join(outdir, STAMP), hash);

  await rm(playgroundBuildDir, { recursive: true, force: true });
  await rename(outdir, playgroundBuildDir);
  return 'built';
}

/** Half-built directories of builds that were interrupted. */
async function removeLeftovers(): Promise<void> {
  const parent = path.dirname(playgroundBuildDir);
  const prefix = `${path.basename(playgroundBuildDir)}.tmp-`;
  const names = await readdir(parent).catch(() => []);
  await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => rm(path.join(parent, name), { recursive: true, force: true })));
}

/** The output file of `entry` with extension `ext` (esbuild names them `<entry>-<hash><ext>`). */
function outputOf(metafile: Metafile, entry: string, ext: string): string {
  const found = Object.keys(metafile.outputs).find((file) => path.basename(file).startsWith(`${entry}-`) && file.endsWith(ext));
  if (!found) throw new Error(`esbuild wrote no ${entry}*${ext}`);
  return found;
}

function assetUrl(outputFile: string): string {
  return `${PLAYGROUND_ASSETS_PATH}/${path.basename(outputFile)}`;
}

/** A hash of every file the bundle is built from (the lock file stands for the packages' versions). */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
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

async function main(): Promise<void> {
  const started = Date.now();
  const result = await buildPlayground({ force: process.argv.includes('--force') });
  if (result === 'built') console.log(`playground built in ${Date.now() - started} ms (${path.relative(process.cwd(), playgroundBuildDir)})`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
