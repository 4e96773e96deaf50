import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Logger } from 'pino';
import { seedDir } from '../common/paths';
import type { PrismaClient } from '../generated/prisma/client';
import type { Database } from './database';
import type { CountryCatalog } from '../country/country.catalog';
import type { BulkImporter } from '../importer/bulk-import';
import { readImportFiles } from '../importer/read-file';
import { readPassportIndexRows } from '../passport-index/passport-index.policies';
import { RU_POLICIES_FILE } from '../passport-index/passport-index.source';
import type { ImportReport, ImportRow } from '../importer/import.types';
import { SEED_LOCK } from './locks';

interface CountryCsvRow {
  iso2: string;
  iso3: string;
  numeric: string | null;
  name: string;
  region: string;
  sub_region: string;
}

interface Memberships {
  eu: string[];
  schengen: string[];
  extraCountries: CountryCsvRow[];
}

/** Countries from prisma/seed/countries.csv (ISO 3166-1 with UN M49 regions) plus memberships. */
export async function loadCountries(prisma: PrismaClient, dir = seedDir): Promise<number> {
  const csv = await readFile(path.join(dir, 'countries.csv'), 'utf8');
  // Namibia's code "NA" must stay a string: no value casting.
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as CountryCsvRow[];
  const memberships = JSON.parse(await readFile(path.join(dir, 'memberships.json'), 'utf8')) as Memberships;
  const eu = new Set(memberships.eu);
  const schengen = new Set(memberships.schengen);
  const result = await prisma.country.createMany({
    data: [...rows, ...memberships.extraCountries].map((row) => ({
      code: row.iso2,
      alpha3: row.iso3,
      numeric: row.numeric || null,
      name: row.name,
      region: row.region || null,
      subregion: row.sub_region || null,
      isEu: eu.has(row.iso2),
      isSchengen: schengen.has(row.iso2),
    })),
    skipDuplicates: true,
  });
  return result.count;
}

/**
 * Files of prisma/seed/ that the seed does not import as they are: reference data
 * loaded by loadCountries, and the Russian passport's policies file, whose rows
 * are the RU lines of the all-passports versions (a unit test checks it), which
 * the seed imports instead.
 */
const NOT_RECORDS = new Set(['countries.csv', 'memberships.json', RU_POLICIES_FILE]);

/**
 * The seed's records: every .json and .csv of prisma/seed/ but the reference
 * data, and every passport's data-set versions (passport-index/), in one import
 * so that all histories are appended in date order. The dated versions of
 * story.json are among the files; the versions file already leaves out the
 * data-set versions they replace, and where both speak for one pair, the
 * story's version is in force from its date (prisma/seed/passport-index/README.md).
 */
export async function seedRows(dir = seedDir): Promise<ImportRow[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && /\.(json|csv)$/.test(entry.name) && !NOT_RECORDS.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  const [records, dataSet] = await Promise.all([readImportFiles(files.map((name) => path.join(dir, name))), readPassportIndexRows(path.join(dir, 'passport-index'))]);
  return [...records, ...dataSet];
}

export interface SeedServices {
  bulkImporter: BulkImporter;
  catalog: CountryCatalog;
}

/**
 * Loads the seed into an empty database (no countries, no feed). Run at every
 * start; a database that has data is left alone. A session lock makes
 * instances starting together seed once.
 */
export async function seedIfEmpty(db: Database, services: SeedServices, logger: Logger): Promise<ImportReport | null> {
  const lock = await db.pool.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [SEED_LOCK]);
    return await seed(db.prisma, services, logger);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK]).catch(() => undefined);
    lock.release();
  }
}

async function seed(prisma: PrismaClient, { bulkImporter, catalog }: SeedServices, logger: Logger): Promise<ImportReport | null> {
  if ((await prisma.country.count()) === 0) {
    const count = await loadCountries(prisma);
    logger.info({ countries: count }, 'loaded countries');
  }
  await catalog.load();
  if ((await prisma.feedEntry.count()) > 0) return null;
  const started = Date.now();
  // One transaction for the 100,000 rows: the bulk path, with the same rules as any import.
  const report = await bulkImporter.run(await seedRows());
  if (report.rejected.length > 0) {
    logger.error({ rejected: report.rejected }, 'seed rows rejected');
  }
  logger.info({ created: report.created, feedEntries: report.feedEntries, ms: Date.now() - started }, 'loaded seed data');
  return report;
}
