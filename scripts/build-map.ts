import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../src/common/paths';
import { MAP_ASSETS_PATH, mapBuildDir } from '../src/map/map.paths';
import { freshBuildDir, outputOf, sourceHash, swapIn } from './bundle';
import { BundleBudgetError, checkBudget, formatBudget } from './bundle-budget';
import { worldTopology } from './map-world';

/**
 * Bundles the world map (map/*, with d3-geo, topojson-client and graphql-ws from node_modules)
 * into dist/map: a page template, one script, one stylesheet and the world's shapes, all served
 * by Borderwatch itself. The build fails when they exceed MAP_BUDGET_BYTES. Skipped when nothing
 * it is built from has changed.
 */
const SOURCES = [
  'map',
  'src/map/map.queries.ts',
  'src/map/map.paths.ts',
  'scripts/build-map.ts',
  'scripts/map-world.ts',
  'scripts/bundle.ts',
  'scripts/bundle-budget.ts',
  'package-lock.json',
];
const STAMP = '.source-hash';

/**
 * What a first visit to /map may download, gzipped: script, stylesheet and world data. The
 * playground's editor is about 2,100 KB gzipped; the map stays under a fourteenth of that.
 */
export const MAP_BUDGET_BYTES = 150 * 1024;

/** Builds dist/map and returns its sizes; null when it was up to date. Fails, leaving the last build in place, over `budgetBytes`. */
export async function buildMap(options: { force?: boolean; budgetBytes?: number } = {}): Promise<string | null> {
  const hash = await sourceHash(SOURCES);
  if (!options.force && (await readFile(path.join(mapBuildDir, STAMP), 'utf8').catch(() => '')) === hash) return null;
  const outdir = await freshBuildDir(mapBuildDir);
  try {
    return await buildInto(outdir, hash, options.budgetBytes ?? MAP_BUDGET_BYTES);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

async function buildInto(outdir: string, hash: string, budgetBytes: number): Promise<string> {
  await mkdir(outdir, { recursive: true });
  const world = JSON.stringify(await worldTopology());
  const worldFile = `world-${createHash('sha256').update(world).digest('hex').slice(0, 8).toUpperCase()}.json`;
  await writeFile(path.join(outdir, worldFile), world);

  const page = await build({
    entryPoints: { main: path.join(projectRoot, 'map', 'main.ts') },
    bundle: true,
    minify: true,
    target: 'es2022',
    format: 'esm',
    outdir,
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    // Licence texts of everything bundled go to a file beside the bundle instead of being dropped.
    legalComments: 'linked',
    define: { MAP_WORLD_URL: JSON.stringify(`${MAP_ASSETS_PATH}/${worldFile}`) },
  });
  const script = outputOf(page.metafile, 'main', '.js');
  const style = outputOf(page.metafile, 'main', '.css');

  const report = checkBudget(
    'The map (/map)',
    await Promise.all(
      [script, style, path.join(outdir, worldFile)].map(async (file) => ({ name: path.basename(file), content: await readFile(file) })),
    ),
    budgetBytes,
  );

  const template = await readFile(path.join(projectRoot, 'map', 'index.html'), 'utf8');
  const html = template.replace('%SCRIPT%', `${MAP_ASSETS_PATH}/${path.basename(script)}`).replace('%STYLE%', `${MAP_ASSETS_PATH}/${path.basename(style)}`);
  await writeFile(path.join(outdir, 'index.html'), html);
  await writeFile(path.join(outdir, STAMP), hash);
  await swapIn(outdir, mapBuildDir);
  return formatBudget(report);
}

async function main(): Promise<void> {
  const started = Date.now();
  const sizes = await buildMap({ force: process.argv.includes('--force') });
  if (sizes) console.log(`map built in ${Date.now() - started} ms (${path.relative(process.cwd(), mapBuildDir)}):\n${sizes}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof BundleBudgetError ? error.message : error);
    process.exit(1);
  });
}
