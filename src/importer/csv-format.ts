import { parse } from 'csv-parse/sync';
import { ImportFileError, type ImportRow, type RecordKind } from './import.types';
import { columnOfField, KIND_COLUMNS, LIST_SEPARATOR, NUMBER_COLUMNS, parseSourceColumn, SOURCE_FIELDS } from './csv-columns';

interface CsvRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * One CSV file of one kind of record. The header is checked before any row is
 * read: a missing or unknown column makes the whole file malformed. A row with
 * the wrong number of fields or an unreadable cell is rejected on its own.
 */
export function readCsvRows(text: string, file: string): ImportRow[] {
  let records: CsvRecord[];
  try {
    // No casting: every cell stays a string (Namibia's code "NA" included).
    records = parse(text, { info: true, raw: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as CsvRecord[];
  } catch (error) {
    throw new ImportFileError(`${file}: not valid CSV (${(error as Error).message})`);
  }
  const [header, ...body] = records;
  if (!header) throw new ImportFileError(`${file}: empty file; expected a header row`);
  const columns = header.record;
  const kind = kindOf(columns, file);
  checkHeader(columns, kind, file);
  return body.map((item) => toRow(item, columns, kind, file));
}

function kindOf(columns: readonly string[], file: string): RecordKind {
  const kinds = (Object.keys(KIND_COLUMNS) as RecordKind[]).filter((kind) => columns.includes(KIND_COLUMNS[kind].marker));
  if (kinds.length === 1) return kinds[0]!;
  const markers = Object.entries(KIND_COLUMNS).map(([kind, spec]) => `${spec.marker} (${kind})`).join(', ');
  throw new ImportFileError(
    kinds.length === 0
      ? `${file}: cannot tell which kind of record the file holds; its header needs one of the columns ${markers}`
      : `${file}: the header mixes columns of ${kinds.join(' and ')} records; put each kind in a file of its own`,
  );
}

function checkHeader(columns: readonly string[], kind: RecordKind, file: string): void {
  const spec = KIND_COLUMNS[kind];
  const known = new Set([...spec.required, ...spec.optional]);
  const seen = new Set<string>();
  columns.forEach((column, index) => {
    if (seen.has(column)) throw new ImportFileError(`${file}: column "${column}" appears twice in the header`);
    seen.add(column);
    if (!known.has(column) && !parseSourceColumn(column)) {
      throw new ImportFileError(
        `${file}: unknown column "${column}" (column ${index + 1}) for ${kind} records; expected ${[...spec.required, ...spec.optional].join(', ')} and source columns (sourceUrl, sourceTitle, sourcePublisher, sourcePublishedAt, then sourceUrl2...)`,
      );
    }
  });
  const missing = [...spec.required, 'sourceUrl', 'sourceTitle'].filter((column) => !seen.has(column));
  if (missing.length > 0) throw new ImportFileError(`${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for ${kind} records`);
}

function toRow(item: CsvRecord, columns: readonly string[], kind: RecordKind, file: string): ImportRow {
  const line = startLine(item);
  const row: ImportRow = { kind, file, line, data: {}, label: columnOfField };
  if (item.record.length !== columns.length) {
    row.problem = { field: 'row', reason: `has ${item.record.length} fields; the header has ${columns.length}` };
    return row;
  }
  try {
    row.data = toData(item.record, columns, new Set(KIND_COLUMNS[kind].required));
  } catch (error) {
    if (!(error instanceof CellError)) throw error;
    row.problem = { field: error.column, reason: error.message };
  }
  return row;
}

class CellError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Cells to the JSON format's shape. An empty optional cell is an absent
 * field; an empty required one stays "" so that validation says "must not be
 * empty" rather than "missing".
 */
function toData(cells: readonly string[], columns: readonly string[], required: ReadonlySet<string>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const sources: Array<Record<string, string>> = [];
  const figure: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    const cell = cells[index]!;
    const source = parseSourceColumn(column);
    if (source) {
      (sources[source.index] ??= {})[SOURCE_FIELDS[source.field]] = cell;
      return;
    }
    if (cell === '') {
      if (required.has(column)) data[column] = '';
      return;
    }
    if (column.startsWith('figure')) {
      figure[column.slice('figure'.length).toLowerCase()] = column === 'figureValue' ? toNumber(column, cell) : cell;
    } else if (NUMBER_COLUMNS.has(column)) {
      data[column] = toNumber(column, cell);
    } else if (column === 'countryCodes') {
      data[column] = splitList(cell);
    } else if (column === 'relatedPolicies') {
      data[column] = splitList(cell).map((ref) => toPolicyRef(column, ref));
    } else {
      data[column] = cell;
    }
  });
  data.sources = toSources(sources);
  if (Object.keys(figure).length > 0) data.figure = figure;
  return data;
}

/**
 * Source groups with any cell filled, blank cells dropped. Trailing empty
 * groups go; a gap (sources 1 and 3 filled) stays as an empty source, so the
 * error names the right column.
 */
function toSources(groups: ReadonlyArray<Record<string, string> | undefined>): Array<Record<string, string>> {
  const filled = groups.map((group) =>
    Object.fromEntries(Object.entries(group ?? {}).filter(([, value]) => value !== '')),
  );
  while (filled.length > 0 && Object.keys(filled[filled.length - 1]!).length === 0) filled.pop();
  return filled;
}

function toNumber(column: string, cell: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(cell)) throw new CellError(column, `"${cell}" is not a number`);
  return Number(cell);
}

function splitList(cell: string): string[] {
  return cell.split(LIST_SEPARATOR).map((item) => item.trim()).filter(Boolean);
}

/** `LT:ENTRY:2022-09-19`: a policy version by country, category and effectiveFrom. */
function toPolicyRef(column: string, ref: string): Record<string, string> {
  const parts = ref.split(':');
  if (parts.length !== 3) throw new CellError(column, `"${ref}" is not COUNTRY:CATEGORY:YYYY-MM-DD`);
  const [countryCode, category, effectiveFrom] = parts as [string, string, string];
  return { countryCode, category, effectiveFrom };
}

/** csv-parse reports the line a record ends on; a quoted cell may span lines. */
function startLine(item: CsvRecord): number {
  const body = item.raw.replace(/\r?\n$/, '').replace(/^(\r?\n)+/, '');
  return item.info.lines - (body.match(/\n/g)?.length ?? 0);
}
