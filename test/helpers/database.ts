import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { openDatabase } from '../../src/db/database';
import { loadCountries } from '../../src/db/seed';
import { ADMIN_DATABASE_URL, databaseUrl } from './env';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of this test file's own, copied from a template built by the
 * global setup: `bare` has the schema and the countries, `seeded` the whole seed.
 */
export async function createTestDatabase(template: 'bare' | 'seeded' = 'bare'): Promise<TestDatabase> {
  const source = process.env[`BW_TEMPLATE_${template.toUpperCase()}`];
  if (!source) throw new Error('test templates missing: run the tests through jest (global setup)');
  return created(`TEMPLATE ${source}`);
}

/**
 * A database migrated from nothing, as a new deployment's is, with the countries and no feed. Copies
 * of a template share its identity (deployment id, cursor secret); this one has its own.
 */
export async function createFreshDatabase(): Promise<TestDatabase> {
  const database = await created('');
  const db = await openDatabase({ url: database.url, dataDir: '', poolSize: 2, logger: pino({ level: 'silent' }) });
  try {
    await loadCountries(db.prisma);
  } finally {
    await db.close();
  }
  return database;
}

async function created(options: string): Promise<TestDatabase> {
  const name = `bw_t_${process.env.BW_TEST_RUN}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} ${options}`);
  return {
    name,
    url: databaseUrl(name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** One statement on the server's maintenance database (CREATE / DROP DATABASE cannot run inside one). */
export async function adminQuery(sql: string, url = ADMIN_DATABASE_URL): Promise<void> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
