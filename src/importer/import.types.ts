export type RecordKind = 'policy' | 'statement' | 'event';

/** One record read from a file, with where it was read. */
export interface ImportRow {
  kind: RecordKind;
  /** 1-based line of the file where the record starts. */
  line: number;
  data: Record<string, unknown>;
}

export interface RowProblem {
  line: number;
  kind: RecordKind;
  field: string;
  reason: string;
}

export type Tally = Record<RecordKind, number>;

export interface ImportReport {
  created: Tally;
  unchanged: Tally;
  rejected: RowProblem[];
  feedEntries: number;
}

export const emptyTally = (): Tally => ({ policy: 0, statement: 0, event: 0 });

/** A malformed file: nothing is written. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}
