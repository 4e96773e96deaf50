import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { projectRoot } from '../src/common/paths';
import { buildBorderwatchSchema } from '../src/server/schema';

/** Writes schema/schema.graphql, or with --check fails when the committed file is stale. */
export async function renderSchema(): Promise<string> {
  const schema = await buildBorderwatchSchema();
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

export const schemaFile = path.join(projectRoot, 'schema', 'schema.graphql');

async function main(): Promise<void> {
  const sdl = await renderSchema();
  if (process.argv.includes('--check')) {
    const committed = await readFile(schemaFile, 'utf8').catch(() => '');
    if (committed !== sdl) {
      console.error('schema/schema.graphql is stale: run `npm run fix:schema` and commit the result.');
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(schemaFile, sdl);
  console.log(`wrote ${path.relative(process.cwd(), schemaFile)}`);
}

if (require.main === module) void main();
