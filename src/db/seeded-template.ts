import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { seededTemplateDir } from '../common/paths';
import { loadConfig } from '../config/config';
import { createServices } from '../server/services';
import { openDatabase } from './database';
import { templateKey, TEMPLATE_KEY_FILE } from './embedded-template';
import { seedIfEmpty } from './seed';

/**
 * Makes the embedded data directory a fresh `.data/` starts from (migrated and
 * seeded, every passport's history included) unless the one in dist/ was made
 * from this checkout's migrations and seed files. Returns the seconds it took,
 * or null when it was current. Run by the build, and by the tests' global
 * setup, whose embedded instances would otherwise each seed at their start.
 */
export async function ensureSeededTemplate(): Promise<number | null> {
  const key = await templateKey();
  const made = await readFile(TEMPLATE_KEY_FILE, 'utf8').catch(() => null);
  if (made?.trim() === key) return null;
  const started = Date.now();
  // Made aside and renamed; the key is written last, so a half-made template is never current.
  const partial = `${seededTemplateDir}.${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const logger = pino({ level: 'warn' });
  const db = await openDatabase({ url: undefined, dataDir: partial, poolSize: 2, logger });
  try {
    const services = createServices(db, loadConfig({ NODE_ENV: 'production' }), { committed: () => undefined });
    const report = await seedIfEmpty(db, services, logger);
    if (!report || report.rejected.length > 0) throw new Error(`seed failed: ${JSON.stringify(report?.rejected ?? 'nothing loaded')}`);
    // Hint bits set and statistics fresh now, not by the first reads of every copy.
    await db.pool.query('VACUUM ANALYZE');
    await db.pool.query('CHECKPOINT');
  } finally {
    await db.close();
  }
  // Only the cluster: the socket directory and server file belong to a running instance.
  await rm(path.join(partial, 'run'), { recursive: true, force: true });
  await rm(path.join(partial, 'server.json'), { force: true });
  await rm(seededTemplateDir, { recursive: true, force: true });
  await rename(partial, seededTemplateDir);
  await writeFile(TEMPLATE_KEY_FILE, `${key}\n`);
  return (Date.now() - started) / 1000;
}
