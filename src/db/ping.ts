import type { RawSql } from './raw-sql';

/** The cheapest statement PostgreSQL answers: whether the database serves at all (readiness), through the client given. */
export async function ping(db: Pick<RawSql, '$queryRawUnsafe'>): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
