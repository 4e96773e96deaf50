// Temporary: Prisma vs raw SQL costs (not committed).
import 'reflect-metadata';
import pino from 'pino';
import { openDatabase } from '../../src/db/database';
import { POLICY_COLUMNS } from '../../src/policy/policy.sql';

async function time(label: string, n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(label.padEnd(50), ((performance.now() - t) / n).toFixed(3), 'ms');
}

async function main() {
  const db = await openDatabase({ url: process.argv[2]!, dataDir: '', poolSize: 10, logger: pino({ level: 'silent' }) });
  const codes = (await db.pool.query('SELECT code FROM country')).rows.map((r) => r.code);
  const today = new Date(new Date().toISOString().slice(0, 10));
  const where = { countryCode: { in: codes }, nationality: 'RU', retractedAt: null, effectiveFrom: { lte: today }, OR: [{ effectiveTo: null }, { effectiveTo: { gt: today } }] };
  const sql = `SELECT ${POLICY_COLUMNS} FROM policy p WHERE p.country_code = ANY($1::varchar[]) AND p.nationality = $2 AND p.retracted_at IS NULL AND p.effective_from <= $3 AND (p.effective_to IS NULL OR p.effective_to > $3) ORDER BY p.country_code, p.category`;
  await time('inForce 250 prisma.findMany', 30, () => db.prisma.policy.findMany({ where, orderBy: [{ countryCode: 'asc' }, { category: 'asc' }] }));
  await time('inForce 250 prisma.$queryRawUnsafe', 30, () => db.prisma.$queryRawUnsafe(sql, codes, 'RU', today));
  await time('inForce 250 pool.query', 30, () => db.pool.query(sql, [codes, 'RU', today]));
  const ids = (await db.pool.query('SELECT id FROM policy LIMIT 50')).rows.map((r) => r.id);
  await time('policy byIds 50 prisma', 200, () => db.prisma.policy.findMany({ where: { id: { in: ids } } }));
  await time('policy byIds 50 pool', 200, () => db.pool.query(`SELECT ${POLICY_COLUMNS} FROM policy p WHERE p.id = ANY($1::uuid[])`, [ids]));
  await time('policySource include 50 prisma', 200, () => db.prisma.policySource.findMany({ where: { policyId: { in: ids } }, include: { source: true } }));
  await time('feed 51 prisma', 200, () => db.prisma.feedEntry.findMany({ orderBy: { seq: 'desc' }, take: 51 }));
  await time('feed 51 pool', 200, () => db.pool.query('SELECT * FROM feed_entry ORDER BY seq DESC LIMIT 51'));
  await time('SELECT 1 prisma raw', 300, () => db.prisma.$queryRawUnsafe('SELECT 1'));
  await time('SELECT 1 pool', 300, () => db.pool.query('SELECT 1'));
  await db.close();
}
void main();
