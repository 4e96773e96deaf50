import { gunzipSync } from 'node:zlib';
import { NOTATION_CHANGES, readValue, type Reading } from '../../src/passport-index/passport-index.readings';
import { FIRST_SNAPSHOT, isSnapshot, previousSnapshotOf } from '../../src/passport-index/passport-index.source';

/** One row of passport-index-all.csv.gz, as written. */
export interface ChangeRow {
  snapshot: string;
  /** Empty in the first snapshot. */
  previousSnapshot: string;
  passport: string;
  destination: string;
  /** Exactly as the data set writes it; empty where the pair is missing from the snapshot. */
  requirement: string;
}

/** A pair's value as read from one row: the change happened after `previousSnapshot`. */
export interface Observation {
  snapshot: string;
  previousSnapshot: string | null;
  reading: Reading;
}

/** passport → destination → the pair's observations in date order. */
export type Histories = Map<string, Map<string, Observation[]>>;

const HEADER = 'snapshot_date,previous_snapshot_date,passport_iso2,destination_iso2,requirement';

/**
 * The rows of the changes file (gzipped or not). Cells stay strings: Namibia is
 * "NA", not a missing value. The file is plain comma-separated text with no
 * quoting (no value has a comma or a quote); a quote means the format changed,
 * and stops the reading rather than being misread. Each row's dates are checked
 * against the data set's snapshot list, so a row in the wrong place cannot
 * shift a change silently.
 */
export function readChangeRows(file: Buffer | string): ChangeRow[] {
  const text = typeof file === 'string' ? file : (file[0] === 0x1f && file[1] === 0x8b ? gunzipSync(file) : file).toString('utf8');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== HEADER) throw new Error(`passport index: the changes file's header must be ${HEADER}`);
  return lines.slice(1).map((line, index) => {
    const where = `passport index: line ${index + 2}`;
    if (line.includes('"')) throw new Error(`${where} is quoted; the changes file is plain comma-separated text`);
    const cells = line.split(',');
    if (cells.length !== 5) throw new Error(`${where} has ${cells.length} fields; expected 5`);
    const [snapshot, previousSnapshot, passport, destination, requirement] = cells as [string, string, string, string, string];
    if (!isSnapshot(snapshot)) throw new Error(`${where}: ${snapshot} is not a snapshot of the data set`);
    const expected = previousSnapshotOf(snapshot);
    if (previousSnapshot !== (expected ?? '')) throw new Error(`${where}: the snapshot before ${snapshot} is ${expected ?? 'none'}, not "${previousSnapshot}"`);
    return { snapshot, previousSnapshot, passport, destination, requirement };
  });
}

/**
 * Every pair's observations, read with the notation of the snapshot that wrote
 * them. `-1` (the passport's own country) is skipped, and only there; an empty
 * requirement (a pair missing from a snapshot) is no observation: the pair keeps
 * its value, as it does in a snapshot with no row for it. A code outside the
 * country table stops the conversion: a version of an unknown country could not
 * be loaded.
 */
export function readHistories(rows: readonly ChangeRow[], knownCodes: ReadonlySet<string>): Histories {
  const histories: Histories = new Map();
  /** Snapshots where a pair is missing, by passport/destination. */
  const gaps = new Map<string, string[]>();
  for (const row of rows) {
    const where = `passport index: ${row.passport} → ${row.destination} on ${row.snapshot}`;
    for (const code of [row.passport, row.destination]) {
      if (!knownCodes.has(code)) throw new Error(`${where}: "${code}" is not in the country table (prisma/seed/countries.csv and memberships.json)`);
    }
    if ((row.requirement === '-1') !== (row.passport === row.destination) && row.requirement !== '') {
      throw new Error(`${where}: "-1" marks the passport's own country and only it; read "${row.requirement}"`);
    }
    if (row.requirement === '') {
      const key = `${row.passport}/${row.destination}`;
      gaps.set(key, [...(gaps.get(key) ?? []), row.snapshot]);
      continue;
    }
    const reading = readValue(row.requirement, row.snapshot);
    if (!reading) continue;
    let byDestination = histories.get(row.passport);
    if (!byDestination) histories.set(row.passport, (byDestination = new Map()));
    const list = byDestination.get(row.destination) ?? [];
    list.push({ snapshot: row.snapshot, previousSnapshot: row.snapshot === FIRST_SNAPSHOT ? null : row.previousSnapshot, reading });
    byDestination.set(row.destination, list);
  }
  for (const [passport, byDestination] of histories) {
    for (const [destination, list] of byDestination) {
      list.sort((a, b) => (a.snapshot < b.snapshot ? -1 : a.snapshot > b.snapshot ? 1 : 0));
      list.forEach((o, i) => {
        if (i > 0 && list[i - 1]!.snapshot === o.snapshot) throw new Error(`passport index: ${passport} → ${destination} on ${o.snapshot}: two rows`);
      });
      checkCarriedValues(passport, destination, list, gaps.get(`${passport}/${destination}`) ?? []);
    }
  }
  return histories;
}

/**
 * A value with no row at a change of notation was not rewritten: it must mean
 * the same in the new notation (day counts do), or a change would go unseen.
 * A pair missing from the data set by then keeps its meaning, not its letters.
 */
function checkCarriedValues(passport: string, destination: string, list: readonly Observation[], gaps: readonly string[]): void {
  list.forEach((observation, index) => {
    const next = list[index + 1]?.snapshot;
    for (const change of NOTATION_CHANGES) {
      if (observation.snapshot >= change || (next !== undefined && next <= change)) continue;
      if (gaps.some((gap) => gap > observation.snapshot && gap <= change)) continue;
      const { raw } = observation.reading;
      let reread: Reading | null;
      try {
        reread = readValue(raw, change);
      } catch {
        reread = null;
      }
      if (!reread || !sameMeaning(reread, observation.reading)) {
        throw new Error(`passport index: ${passport} → ${destination} keeps "${raw}" of ${observation.snapshot} into the notation of ${change}, where it reads differently`);
      }
    }
  });
}

function sameMeaning(a: Reading, b: Reading): boolean {
  return a.visaRequirement === b.visaRequirement && a.maxStayDays === b.maxStayDays && a.special === b.special && a.notation === b.notation;
}
