import { parse } from 'csv-parse/sync';
import type { SourceInputValue } from '../../src/common/validation';
import { readValue, type Reading } from './readings';

export const DATASET_COMMIT = 'a46dbc872002e01f6465a69071a7ed5b6dc8fc7b';
export const LATEST_SNAPSHOT = '2025-01-12';
export const PUBLISHER = 'Passport Index data set (ilyankou/passport-index-dataset)';

export interface Observation {
  snapshot: string;
  reading: Reading;
}

/** The data set's file for one snapshot, at the commit the copy was taken from. */
export function snapshotSource(snapshot: string): { url: string; title: string; publisher: string } {
  const file = snapshot === LATEST_SNAPSHOT ? 'passport-index-tidy-iso2.csv' : `legacy/${snapshot}/passport-index-tidy-iso2.csv`;
  return {
    url: `https://github.com/ilyankou/passport-index-dataset/blob/${DATASET_COMMIT}/${file}`,
    title: `[Passport Index data set, snapshot of ${snapshot}: visa requirements by passport, ${file}]`,
    publisher: PUBLISHER,
  };
}

export type SourceRow = Pick<SourceInputValue, 'url' | 'title'> & { publisher?: string; publishedAt?: string };

/**
 * `snapshot_date,destination_iso2,requirement` to each destination's
 * observations in date order. Cells stay strings: Namibia is "NA", not a
 * missing value.
 */
export function readSnapshots(csv: string): Map<string, Observation[]> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const byDestination = new Map<string, Observation[]>();
  for (const row of rows) {
    const snapshot = row.snapshot_date;
    const destination = row.destination_iso2;
    const requirement = row.requirement;
    if (!snapshot || !destination || requirement === undefined) throw new Error(`passport index: incomplete row ${JSON.stringify(row)}`);
    const reading = readValue(requirement, snapshot);
    if (!reading) continue;
    const list = byDestination.get(destination) ?? [];
    if (list.some((o) => o.snapshot === snapshot)) throw new Error(`passport index: two values for ${destination} on ${snapshot}`);
    list.push({ snapshot, reading });
    byDestination.set(destination, list);
  }
  for (const list of byDestination.values()) list.sort((a, b) => a.snapshot.localeCompare(b.snapshot));
  return byDestination;
}
