import { refusalOf } from './refusals';
import type { Sql } from './sql';

/**
 * One write as one statement (a call of a write function) through Sql: the row it returns, or the
 * API's error when the function refused (refusals.ts). Autocommit: the statement is its transaction,
 * committed when this resolves.
 */
export async function writeOne<T extends object>(sql: Sql, text: string, values: unknown[], root: string): Promise<T> {
  let row: T | undefined;
  try {
    row = await sql.one<T>(text, values);
  } catch (error) {
    throw refusalOf(error, root) ?? error;
  }
  if (!row) throw new Error('a write function returned no row');
  return row;
}
