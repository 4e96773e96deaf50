import { Client } from 'pg';
import { ADMIN_DATABASE_URL } from './env';

/** Drops everything this run created: its templates and any test database a file failed to drop. */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.BW_TEST_RUN;
  if (!run) return;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2', [
      `bw\\_tpl\\_%\\_${run}`,
      `bw\\_t\\_${run}\\_%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
