import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { openDatabase, type Database } from '../../src/db/database';
import type { FeedEntry } from '../../src/generated/prisma/client';
import { createServices, type Services } from '../../src/server/services';
import { createTestDatabase, type TestDatabase } from './database';

export interface ImportHarness {
  db: Database;
  testDb: TestDatabase;
  services: Services;
  /** Every feed entry the importer handed to the publisher, in order. */
  published: FeedEntry[];
  /** Row counts of the record tables, to prove a run changed nothing. */
  counts(): Promise<Record<string, number>>;
  /** Writes a file in a temporary folder of this harness and returns its path. */
  file(name: string, content: string | Buffer): Promise<string>;
  close(): Promise<void>;
}

const TABLES = ['policy', 'statement', 'event', 'source', 'policy_source', 'statement_source', 'event_source', 'event_country', 'statement_policy', 'feed_entry'];

/** A database of the test's own (countries only, or the whole seed) with the real services over it. */
export async function openImportHarness(template: 'bare' | 'seeded' = 'bare'): Promise<ImportHarness> {
  const testDb = await createTestDatabase(template);
  const db = await openDatabase({ url: testDb.url, dataDir: '', poolSize: 2, logger: pino({ level: 'silent' }) });
  const published: FeedEntry[] = [];
  const services = createServices(db, loadConfig({ NODE_ENV: 'test' }), { committed: (entries) => published.push(...entries) });
  await services.catalog.load();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bw-import-'));
  return {
    db,
    testDb,
    services,
    published,
    async counts() {
      const entries = await Promise.all(
        TABLES.map(async (table) => {
          const [row] = await db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM ${table}`);
          return [table, Number(row!.n)] as const;
        }),
      );
      return Object.fromEntries(entries);
    },
    async file(name, content) {
      const file = path.join(dir, name);
      await writeFile(file, content);
      return file;
    },
    async close() {
      await db.close();
      await testDb.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const SOURCE = 'sourceUrl,sourceTitle';
export const SRC = 'https://example.org/source,Example source';
