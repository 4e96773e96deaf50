import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

/**
 * The codes of the country table as the seed builds it (src/db/seed.ts
 * loadCountries): prisma/seed/countries.csv plus memberships.json's
 * extraCountries (Kosovo, XK). No value casting: Namibia stays "NA".
 */
export async function countryCodes(seedDir: string): Promise<Set<string>> {
  const csv = await readFile(path.join(seedDir, 'countries.csv'), 'utf8');
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Array<{ iso2: string }>;
  const memberships = JSON.parse(await readFile(path.join(seedDir, 'memberships.json'), 'utf8')) as { extraCountries?: Array<{ iso2: string }> };
  return new Set([...rows, ...(memberships.extraCountries ?? [])].map((row) => row.iso2));
}
