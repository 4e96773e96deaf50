import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../src/common/paths';
import { PLAYGROUND_ASSETS_PATH, playgroundBuildDir } from '../src/playground/playground.paths';
import { freshBuildDir, outputOf, sourceHash, swapIn } from './bundle';

/**
 * Bundles the GraphiQL playground (playground/*, with GraphiQL, React and
 * Monaco from node_modules) into dist/playground: a page template, one
 * script, one stylesheet and Monaco's three workers, all served by
 * Borderwatch itself. Skipped when nothing it is built from has changed,
 * so that `npm start` stays fast.
 */
const SOURCES = ['playground', 'src/playground/examples.ts', 'src/playground/playground.paths.ts', 'scripts/build-playground.ts', 'scripts/bundle.ts', 'package-lock.json'];
const STAMP = '.source-hash';

/** Monaco's workers; the labels are the ones Monaco asks MonacoEnvironment.getWorker for. */
const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
} as const;

export async function buildPlayground(options: { force?: boolean } = {}): Promise<'built' | 'up to date'> {
  const hash = await sourceHash(SOURCES);
  if (!options.force && (await readFile(path.join(playgroundBuildDir, STAMP), 'utf8').catch(() => '')) === hash) return 'up to date';

  // Built beside the old one and swapped in whole, so a running server never serves half a build.
  const outdir = await freshBuildDir(playgroundBuildDir);
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

  await swapIn(outdir, playgroundBuildDir);
  return 'built';
}

function assetUrl(outputFile: string): string {
  return `${PLAYGROUND_ASSETS_PATH}/${path.basename(outputFile)}`;
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
