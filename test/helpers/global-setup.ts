import 'reflect-metadata';
import { Client } from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/database';
import { loadCountries, seedIfEmpty } from '../../src/db/seed';
import { ensureSeededTemplate } from '../../src/db/seeded-template';
import { createServices } from '../../src/server/services';
import { ADMIN_DATABASE_URL, databaseUrl } from './env';

const STALE_AFTER_MS = 6 * 3600_000;

/**
 * Builds two template databases once per run: `bare` (migrations and
 * countries) and `seeded` (plus the whole seed). Each test file then copies
 * one with CREATE DATABASE ... TEMPLATE, which takes milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  const stamp = Date.now();
  const run = `${stamp}_${process.pid}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await dropStale(admin, stamp);
    for (const kind of ['bare', 'seeded'] as const) {
      const name = `bw_tpl_${kind}_${run}`;
      await admin.query(`CREATE DATABASE ${name}`);
      await buildTemplate(databaseUrl(name), kind);
      process.env[`BW_TEMPLATE_${kind.toUpperCase()}`] = name;
    }
    process.env.BW_TEST_RUN = run;
  } finally {
    await admin.end();
  }
  // Embedded instances (DATA_DIR tests, the attack suite) start from it; a stale one would make each seed at its start.
  await ensureSeededTemplate();
}

async function buildTemplate(url: string, kind: 'bare' | 'seeded'): Promise<void> {
  const logger = pino({ level: 'silent' });
  const db = await openDatabase({ url, dataDir: '', poolSize: 2, logger });
  try {
    if (kind === 'bare') {
      await loadCountries(db.prisma);
    } else {
      const config = loadConfig({ NODE_ENV: 'test' });
      const services = createServices(db, config, { committed: () => undefined });
      const report = await seedIfEmpty(db, services, logger);
      if (!report || report.rejected.length > 0) throw new Error(`seed failed: ${JSON.stringify(report?.rejected)}`);
    }
  } finally {
    await db.close();
  }
}

/** Databases left by runs that were killed before their teardown. */
async function dropStale(admin: Client, now: number): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'bw\\_%'");
  for (const { datname } of rows) {
    const stamp = Number(/^bw_(?:tpl_\w+?|t)_(\d{13})_/.exec(datname)?.[1]);
    if (stamp && now - stamp > STALE_AFTER_MS) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}
