import type { Pool, PoolClient } from 'pg';
import type { Prisma } from '../generated/prisma/client';
import { translateDatabaseError } from './errors';
import { PARSERS } from './sql';

type Tx = Prisma.TransactionClient;

/**
 * One transaction on a connection of its own, through pg rather than Prisma: a hundred thousand rows
 * cross the wire as a few large JSON parameters and come back without per-row conversion. `work` gets
 * the two raw-SQL methods of a Prisma transaction over that connection, so the same data-module
 * functions run in both. A dry run rolls back and returns null.
 */
export async function pgTransaction<T>(pool: Pool, work: (tx: Tx) => Promise<T>, dryRun: boolean): Promise<T | null> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(rawTx(client));
    await client.query(dryRun ? 'ROLLBACK' : 'COMMIT');
    return dryRun ? null : result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translateDatabaseError(error) ?? error;
  } finally {
    client.release();
  }
}

/** A Prisma transaction's `$executeRawUnsafe` and `$queryRawUnsafe` over a pg connection, with the types Prisma would return (src/db/sql.ts). */
function rawTx(client: PoolClient): Tx {
  const query = (text: string, values: unknown[]) => client.query({ text, values, types: PARSERS });
  const tx: Pick<Tx, '$executeRawUnsafe' | '$queryRawUnsafe'> = {
    $executeRawUnsafe: (async (text: string, ...values: unknown[]) => (await query(text, values)).rowCount ?? 0) as Tx['$executeRawUnsafe'],
    $queryRawUnsafe: (async (text: string, ...values: unknown[]) => (await query(text, values)).rows) as Tx['$queryRawUnsafe'],
  };
  return tx as Tx;
}
