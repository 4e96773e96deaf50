import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readValue, type Reading } from './passport-index.readings';
import { passportIndexDir, previousSnapshotOf, VERSIONS_FILE } from './passport-index.source';
import { VERSION_KINDS, type DatasetVersion, type VersionKind } from './passport-index.version';
import { COUNTRY_CODE_PATTERN } from '../common/country-code';

/**
 * prisma/seed/passport-index/passport-index-versions.csv: every passport's data-set
 * versions, one line each, by passport, destination and date. It holds the facts
 * only (the raw values and what they read as); titles, summaries and sources are
 * rendered from them by passport-index.render.ts, so the text is written once in
 * code rather than 100,000 times in the file. visaRequirement and maxStayDays
 * follow from raw and effectiveFrom; they are kept for the reader's eye (a diff
 * shows what changed in meaning) and checked on reading. The coarse status is
 * not stored: statusOf derives it, as for every other record.
 */
export const VERSION_COLUMNS = [
  'passport',
  'destination',
  'effectiveFrom',
  'previousSnapshot',
  'kind',
  'visaRequirement',
  'maxStayDays',
  'raw',
  'previousRaw',
] as const;

export function formatVersionsFile(versions: readonly DatasetVersion[]): string {
  const lines = [VERSION_COLUMNS.join(',')];
  for (const v of [...versions].sort(byPairThenDate)) {
    lines.push(
      [
        v.passport,
        v.destination,
        v.snapshot,
        v.previousSnapshot ?? '',
        v.kind,
        v.reading.visaRequirement,
        v.reading.maxStayDays ?? '',
        v.reading.raw,
        v.previousReading?.raw ?? '',
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Parses the file back to versions; a line that contradicts itself throws,
 * naming the line. Plain comma-separated text without quoting, like the data
 * set's own files: no value has a comma, a quote or a line break.
 */
export function parseVersionsFile(text: string, file = VERSIONS_FILE): DatasetVersion[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== VERSION_COLUMNS.join(',')) throw new Error(`${file}: the header must be ${VERSION_COLUMNS.join(',')}`);
  return lines.slice(1).map((line, index) => {
    try {
      if (line.includes('"')) throw new Error('is quoted; the file is plain comma-separated text');
      return toVersion(line.split(','));
    } catch (error) {
      throw new Error(`${file}: line ${index + 2}: ${(error as Error).message}`);
    }
  });
}

/** Every passport's versions, from the committed file. */
export async function readVersionsFile(dir = passportIndexDir): Promise<DatasetVersion[]> {
  return parseVersionsFile(await readFile(path.join(dir, VERSIONS_FILE), 'utf8'));
}

function toVersion(row: readonly string[]): DatasetVersion {
  if (row.length !== VERSION_COLUMNS.length) throw new Error(`has ${row.length} fields; expected ${VERSION_COLUMNS.length}`);
  const [passport, destination, snapshot, previousSnapshot, kind, visaRequirement, maxStayDays, raw, previousRaw] = row as [
    string, string, string, string, string, string, string, string, string,
  ];
  if (!COUNTRY_CODE_PATTERN.test(passport) || !COUNTRY_CODE_PATTERN.test(destination)) throw new Error('passport and destination must be two capital letters');
  if (!VERSION_KINDS.includes(kind as VersionKind)) throw new Error(`unknown kind "${kind}"`);
  const expectedPrevious = kind === 'first' ? null : previousSnapshotOf(snapshot);
  if ((previousSnapshot || null) !== expectedPrevious) throw new Error(`previousSnapshot must be ${expectedPrevious ?? 'empty'} for a ${kind} version of ${snapshot}`);
  const reading = mustRead(raw, snapshot);
  if (reading.visaRequirement !== visaRequirement || String(reading.maxStayDays ?? '') !== maxStayDays) {
    throw new Error(`"${raw}" on ${snapshot} reads ${reading.visaRequirement} ${reading.maxStayDays ?? '(no day count)'}, not ${visaRequirement} ${maxStayDays || '(no day count)'}`);
  }
  if ((kind === 'first') !== (previousRaw === '')) throw new Error('previousRaw must be empty exactly for a first observation');
  return {
    passport,
    destination,
    kind: kind as VersionKind,
    snapshot,
    previousSnapshot: expectedPrevious,
    reading,
    previousReading: expectedPrevious === null ? null : mustRead(previousRaw, expectedPrevious),
  };
}

function mustRead(raw: string, snapshot: string): Reading {
  const reading = readValue(raw, snapshot);
  if (!reading) throw new Error(`"${raw}" is the passport's own country, never a version`);
  return reading;
}

/** By passport, destination, then date: code-point order, the same on every machine. */
export function byPairThenDate(a: DatasetVersion, b: DatasetVersion): number {
  return compare(a.passport, b.passport) || compare(a.destination, b.destination) || compare(a.snapshot, b.snapshot);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cell(value: string | number): string {
  const text = String(value);
  if (/[",\n\r]/.test(text)) throw new Error(`passport index: "${text}" cannot be written to the versions file unquoted`);
  return text;
}
