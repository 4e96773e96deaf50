import type { RawSql } from '../db/raw-sql';
import { EventTable, FeedEntryTable, PolicySourceTable, PolicyTable, SourceTable, StatementTable } from '../generated/model';

/*
 * The statements around the bulk import's one transaction (src/importer/bulk-import.ts): its time
 * limit, its table locks, and the statistics refreshed after it.
 */

/** The bounds of a web request do not fit a data set: this transaction's statements get more time. */
export async function allowLongStatements(tx: RawSql): Promise<void> {
  await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = '10min'`);
}

/** Record writers queue (reads go on) until the transaction ends: one lock per key would overflow PostgreSQL's lock table. */
export async function lockRecordTables(tx: RawSql): Promise<void> {
  await tx.$executeRawUnsafe(`LOCK TABLE ${PolicyTable.table}, ${StatementTable.table}, ${EventTable.table} IN SHARE ROW EXCLUSIVE MODE`);
}

/** Fresh statistics after a large import, so the planner reads a nationality's feed page by index at once rather than after autovacuum. */
export async function analyzeImported(db: { query(text: string): Promise<unknown> }): Promise<void> {
  await db.query(`ANALYZE ${PolicyTable.table}, ${PolicySourceTable.table}, ${SourceTable.table}, ${FeedEntryTable.table}`);
}
