import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PASSPORT } from '../src/passport-index/passport-index.notes';
import { convertPassportIndex, staleOutputs } from './passport-index/convert';

/**
 * `npm run data:passport-index`: regenerates prisma/seed/passport-index-visas.csv
 * (Russian passports, loaded by the seed) and
 * prisma/seed/passport-index/passport-index-versions.csv (every passport); with
 * --check, fails when either committed file is not what the converter makes.
 */
async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  if (process.argv.includes('--check')) {
    const stale = await staleOutputs();
    for (const file of stale) console.error(`${path.relative(process.cwd(), file)} is stale: run \`npm run data:passport-index\` and commit the result.`);
    if (stale.length > 0) process.exitCode = 1;
    return;
  }
  const { versions, outputs } = await convertPassportIndex();
  for (const { file, content } of outputs) await writeFile(file, content);
  const byKind = count(versions.map((v) => v.kind));
  const ru = versions.filter((v) => v.passport === DEFAULT_PASSPORT);
  console.log(
    `${versions.length} versions of ${new Set(versions.map((v) => v.passport)).size} passports ${JSON.stringify(byKind)}; ${DEFAULT_PASSPORT}: ${ru.length} ${JSON.stringify(count(ru.map((v) => v.kind)))}`,
  );
  for (const { file, content } of outputs) console.log(`wrote ${path.relative(process.cwd(), file)} (${Buffer.byteLength(content)} bytes)`);
  console.log(`in ${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms`);
}

function count(values: readonly string[]): Record<string, number> {
  return values.reduce<Record<string, number>>((acc, value) => ({ ...acc, [value]: (acc[value] ?? 0) + 1 }), {});
}

if (require.main === module) void main();
