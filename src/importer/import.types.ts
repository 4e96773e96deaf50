export type RecordKind = 'policy' | 'statement' | 'event';

/** One record read from a file, with where it was read. */
export interface ImportRow {
  kind: RecordKind;
  /** The file it came from, as given to the reader; reports name it. */
  file: string;
  /** 1-based line of the file where the record starts. */
  line: number;
  data: Record<string, unknown>;
  /** A problem the reader already found (a CSV row with too many fields...): the row is rejected with it. */
  problem?: { field: string; reason: string };
  /** Turns a validation path (`policy.sources.1.url`) into the name the file uses (`sourceUrl2`). */
  label?: (field: string) => string;
}

export interface RowProblem {
  file: string;
  line: number;
  kind: RecordKind;
  field: string;
  reason: string;
}

export type Tally = Record<RecordKind, number>;

export interface ImportReport {
  /** Rows read, good and bad. */
  rows: number;
  created: Tally;
  unchanged: Tally;
  /** Rows matching a retracted record: skipped, the record stays retracted. */
  retracted: Tally;
  rejected: RowProblem[];
  feedEntries: number;
}

export const emptyTally = (): Tally => ({ policy: 0, statement: 0, event: 0 });

/** A malformed file: nothing is written. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}
