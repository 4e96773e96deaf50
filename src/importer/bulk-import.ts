import type { FeedPublisher } from '../feed/feed.publisher';
import { appendFeedEntries } from '../feed/feed.writer';
import type { Pool } from 'pg';
import { pgTransaction } from '../db/pg-transaction';
import type { FeedEntry, Prisma } from '../generated/prisma/client';
import { planBatch, type BatchPlan } from './batch-plan';
import { readBatchState } from './batch-state';
import { writeBatch } from './batch-write';
import { allowLongStatements, analyzeImported, lockRecordTables } from './bulk-import.sql';
import type { ImportReport, ImportRow } from './import.types';
import { parseRows, problem, type ImportOptions } from './importer';
import type { ImporterServices, ParsedRow } from './parse-row';

type Tx = Prisma.TransactionClient;

/** Rows per INSERT: each statement stays short (statement_timeout) and its JSON parameter a few MB (PGlite's memory). */
const WRITE_CHUNK = 5_000;
/** A change this large moves the tables' statistics. */
const ANALYZE_FROM = 10_000;

/**
 * The importer for large files (the seed's 98,000 data-set versions, `npm
 * run import` of a big file): the same decisions as Importer, made once over
 * every row in one transaction instead of one per 500 rows.
 *
 * - The rows are parsed and validated as Importer does (parseRow), decided by
 *   the same planner (planBatch) against the state read in one pass, and
 *   written by the same set-based statements (writeBatch, appendFeedEntries)
 *   in large chunks: the same records, links and feed items as Importer for
 *   the same input, and nothing written for rows already there.
 * - Writers are excluded by locking the record tables (SHARE ROW EXCLUSIVE:
 *   reads go on, writes queue), not by a lock per natural key as Importer
 *   does: 40,000 keys would overflow PostgreSQL's lock table. The tables are
 *   locked before the feed counter is touched, as every writer does, so
 *   nothing waits in a cycle. An editor's change that had read a pair's state
 *   before the lock and writes it after the import changed that pair fails on
 *   the one-open-version constraint and is refused whole, never half written.
 * - The feed items are numbered in one run under the feed counter's lock.
 *   After the commit the publisher is told of the last one only: the relay
 *   reads the others from PostgreSQL a batch at a time, in order, as it fills
 *   any gap, so a hundred thousand items neither sit in memory at once nor
 *   reach subscribers in one synchronous burst.
 */
export class BulkImporter {
  constructor(
    private readonly pool: Pool,
    private readonly services: ImporterServices,
    private readonly publisher: FeedPublisher,
  ) {}

  async run(rows: readonly ImportRow[], options: Pick<ImportOptions, 'dryRun' | 'onProgress'> = {}): Promise<ImportReport> {
    const { report, parsed } = parseRows(this.services, rows);
    options.onProgress?.(rows.length - parsed.length, rows.length);
    // One transaction on a connection of its own, through pg: a hundred thousand rows cross the wire as a few large JSON parameters.
    const last = await pgTransaction(this.pool, (tx) => apply(tx, parsed, report), options.dryRun ?? false);
    // The last item only: listeners (the relay) read the rest from PostgreSQL a batch at a time, in order.
    if (last) this.publisher.committed([last]);
    if (last && report.feedEntries >= ANALYZE_FROM) await analyzeImported(this.pool);
    options.onProgress?.(rows.length, rows.length);
    const fileOrder = new Map<string, number>();
    for (const row of rows) if (!fileOrder.has(row.file)) fileOrder.set(row.file, fileOrder.size);
    report.rejected.sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line);
    return report;
  }
}

/** Decides and writes every row; returns the last feed item written, if any. */
async function apply(tx: Tx, ordered: readonly ParsedRow[], report: ImportReport): Promise<FeedEntry | null> {
  await allowLongStatements(tx);
  await lockRecordTables(tx);
  const plan = planBatch(ordered, await readBatchState(tx, ordered));
  for (const kind of ['policy', 'statement', 'event'] as const) {
    report.created[kind] += plan.created[kind];
    report.unchanged[kind] += plan.unchanged[kind];
    report.retracted[kind] += plan.retracted[kind];
  }
  report.rejected.push(...plan.rejected.map(({ item, error }) => problem(item.row, error)));
  report.feedEntries = plan.feed.length;
  for (const part of splitPlan(plan)) await writeBatch(tx, part);
  let last: FeedEntry | null = null;
  for (let start = 0; start < plan.feed.length; start += WRITE_CHUNK) {
    last = (await appendFeedEntries(tx, plan.feed.slice(start, start + WRITE_CHUNK))).at(-1) ?? last;
  }
  return last;
}

/**
 * The plan as parts writeBatch takes one after another: the closes of
 * existing versions first (a key has one open version at a time), the new
 * versions in chunks in plan order, then statements (which may link to them)
 * and events.
 */
export function splitPlan(plan: BatchPlan): BatchPlan[] {
  const empty = (): BatchPlan => ({ ...plan, closes: new Map(), policies: [], statements: [], events: [], feed: [] });
  const parts: BatchPlan[] = [{ ...empty(), closes: plan.closes }];
  for (let start = 0; start < plan.policies.length; start += WRITE_CHUNK) {
    parts.push({ ...empty(), policies: plan.policies.slice(start, start + WRITE_CHUNK) });
  }
  for (let start = 0; start < plan.statements.length; start += WRITE_CHUNK) {
    parts.push({ ...empty(), statements: plan.statements.slice(start, start + WRITE_CHUNK) });
  }
  for (let start = 0; start < plan.events.length; start += WRITE_CHUNK) {
    parts.push({ ...empty(), events: plan.events.slice(start, start + WRITE_CHUNK) });
  }
  return parts;
}
