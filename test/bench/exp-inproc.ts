// Temporary: in-process timing of the feed document (not committed).
import 'reflect-metadata';
import pino from 'pino';
import { execute, parse } from 'graphql';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/database';
import { createServices } from '../../src/server/services';
import { buildBorderwatchSchema } from '../../src/server/schema';
import { createContext } from '../../src/server/context';
import { DOCUMENTS } from './documents';

async function main() {
  const url = process.argv[2]!;
  const db = await openDatabase({ url, dataDir: '', poolSize: 10, logger: pino({ level: 'silent' }) });
  const services = createServices(db, loadConfig({ NODE_ENV: 'production', PAGE_SIZE_MAX: '250' }), { committed: () => undefined });
  await services.catalog.load();
  const schema = await buildBorderwatchSchema(services);
  const scenario = (process.argv[3] ?? 'feed') as 'feed';
  const document = parse(DOCUMENTS.borderwatch[scenario]);
  const vars = scenario === ('history' as string) ? { code: 'FI', date: '2010-01-01' } : {};
  for (const round of [0, 1]) {
    const n = round ? 200 : 50;
    const q0 = db.queryCount;
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const r = await execute({ schema, document, variableValues: vars, contextValue: createContext(services, null as never, {}) });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    }
    console.log(scenario, round ? 'measured' : 'warm', ((performance.now() - t) / n).toFixed(2), 'ms/op', (db.queryCount - q0) / n, 'queries/op');
  }
  // raw prisma timing of the statements
  const t2 = performance.now();
  for (let i = 0; i < 200; i++) await db.prisma.feedEntry.findMany({ orderBy: { seq: 'desc' }, take: 51 });
  console.log('prisma feedEntry.findMany take 51', ((performance.now() - t2) / 200).toFixed(2), 'ms');
  const t3 = performance.now();
  for (let i = 0; i < 200; i++) await db.pool.query('SELECT * FROM feed_entry ORDER BY seq DESC LIMIT 51');
  console.log('pg same', ((performance.now() - t3) / 200).toFixed(2), 'ms');
  await db.close();
}
void main();
