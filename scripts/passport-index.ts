import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { convertPassportIndex, outputFile } from './passport-index/convert';

/**
 * `npm run data:passport-index`: regenerates prisma/seed/passport-index-visas.csv;
 * with --check, fails when the committed file is not what the converter makes.
 */
async function main(): Promise<void> {
  const { csv, versions } = await convertPassportIndex();
  const counts = versions.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.kind]: (acc[v.kind] ?? 0) + 1 }), {});
  if (process.argv.includes('--check')) {
    const committed = await readFile(outputFile, 'utf8').catch(() => '');
    if (committed !== csv) {
      console.error(`${path.relative(process.cwd(), outputFile)} is stale: run \`npm run data:passport-index\` and commit the result.`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(outputFile, csv);
  console.log(`wrote ${path.relative(process.cwd(), outputFile)}: ${versions.length} versions ${JSON.stringify(counts)}`);
}

if (require.main === module) void main();
