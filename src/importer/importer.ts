import { AppError, BadUserInputError } from '../common/errors';
import type { FeedPublisher } from '../feed/feed.publisher';
import { appendFeedEntries } from '../feed/feed.writer';
import type { FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { WRITE_TX } from '../feed/feed.commit';
import { planBatch } from './batch-plan';
import { loadBatchState } from './batch-state';
import { writeBatch } from './batch-write';
import { emptyTally, type ImportReport, type ImportRow, type RowProblem } from './import.types';
import { parseRow, type ImporterServices, type ParsedRow } from './parse-row';

export type { ImporterServices } from './parse-row';

type Tx = Prisma.TransactionClient;

export interface ImportOptions {
  /** Rows per transaction: larger is faster, smaller holds locks for less time. */
  batchSize?: number;
  /** Called after each committed batch (and once before the first). */
  onProgress?: (done: number, total: number) => void;
  /** Decide everything and report it, then roll back: nothing is written or published. */
  dryRun?: boolean;
}

/** Rolls back a dry run's single transaction. */
class DryRunDone extends Error {}

/**
 * Brings records into the database the way editors' writes go in (same
 * validation, same versioning, a feed item per change) and is idempotent:
 * natural keys decide what is already there, and a row matching a retracted
 * record is left out (it was found wrong once). Bad rows are reported with
 * file, line, field and reason; good rows still go in. Rows run in date
 * order, since a policy history can only be appended to.
 *
 * Each batch is one transaction: lock the natural keys it touches, read their
 * state, decide every row in memory, write the result set-wise, append the
 * feed entries, commit, then tell the publisher.
 */
export class Importer {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly services: ImporterServices,
    private readonly publisher: FeedPublisher,
  ) {}

  async run(rows: readonly ImportRow[], options: ImportOptions = {}): Promise<ImportReport> {
    const { report, parsed } = parseRows(this.services, rows);
    const batches = chunk(parsed, options.batchSize ?? 500);
    let done = rows.length - parsed.length;
    options.onProgress?.(done, rows.length);
    const applyAll = async (tx: Tx | null) => {
      for (const batch of batches) {
        const entries = tx ? await this.apply(tx, batch, report) : await this.prisma.$transaction((t) => this.apply(t, batch, report), { ...WRITE_TX, timeout: 120_000 });
        report.feedEntries += entries.length;
        if (!tx) this.publisher.committed(entries);
        done += batch.length;
        options.onProgress?.(done, rows.length);
      }
    };
    if (options.dryRun) {
      await this.prisma
        .$transaction(async (tx) => {
          await applyAll(tx);
          throw new DryRunDone();
        }, { ...WRITE_TX, timeout: 600_000 })
        .catch((error: unknown) => {
          if (!(error instanceof DryRunDone)) throw error;
        });
    } else {
      await applyAll(null);
    }
    const fileOrder = new Map<string, number>();
    for (const row of rows) if (!fileOrder.has(row.file)) fileOrder.set(row.file, fileOrder.size);
    report.rejected.sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line);
    return report;
  }

  private async apply(tx: Tx, batch: readonly ParsedRow[], report: ImportReport): Promise<FeedEntry[]> {
    const state = await loadBatchState(tx, batch);
    const plan = planBatch(batch, state);
    await writeBatch(tx, plan);
    const entries = await appendFeedEntries(tx, plan.feed);
    for (const kind of ['policy', 'statement', 'event'] as const) {
      report.created[kind] += plan.created[kind];
      report.unchanged[kind] += plan.unchanged[kind];
      report.retracted[kind] += plan.retracted[kind];
    }
    report.rejected.push(...plan.rejected.map(({ item, error }) => problem(item.row, error)));
    return entries;
  }
}

/** The report every import starts from, and the rows that parse in date order; the ones that do not are in the report. */
export function parseRows(services: ImporterServices, rows: readonly ImportRow[]): { report: ImportReport; parsed: ParsedRow[] } {
  const report: ImportReport = { rows: rows.length, created: emptyTally(), unchanged: emptyTally(), retracted: emptyTally(), rejected: [], feedEntries: 0 };
  const parsed: ParsedRow[] = [];
  rows.forEach((row, index) => {
    try {
      parsed.push(parseRow(services, row, index));
    } catch (error) {
      report.rejected.push(problem(row, error));
    }
  });
  return { report, parsed: order(parsed) };
}

/** Oldest first; rows of one date keep their order in the input (file order, then line). */
export function order(parsed: ParsedRow[]): ParsedRow[] {
  return [...parsed].sort((a, b) => a.when.getTime() - b.when.getTime() || a.index - b.index);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += Math.max(1, size)) chunks.push(items.slice(start, start + Math.max(1, size)));
  return chunks;
}

export function problem(row: ImportRow, error: unknown): RowProblem {
  const label = row.label ?? ((field: string) => field);
  if (error instanceof BadUserInputError) return { file: row.file, line: row.line, kind: row.kind, field: label(error.field), reason: error.reason };
  if (error instanceof AppError) return { file: row.file, line: row.line, kind: row.kind, field: row.kind, reason: error.message };
  throw error;
}
