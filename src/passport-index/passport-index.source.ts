import path from 'node:path';
import { seedDir } from '../common/paths';

/** The data set's raw material and the converter's outputs. */
export const passportIndexDir = path.join(seedDir, 'passport-index');
/** Every passport's history, stored as changes (see prisma/seed/passport-index/README.md). */
export const ALL_PASSPORTS_FILE = 'passport-index-all.csv.gz';
/** The generated versions of every passport: one line per version (see passport-index.versions-file.ts). */
export const VERSIONS_FILE = 'passport-index-versions.csv';
/** The generated policies file of Russian passports that the seed loads (lives in prisma/seed/ itself). */
export const RU_POLICIES_FILE = 'passport-index-visas.csv';

export const DATASET_COMMIT = 'a46dbc872002e01f6465a69071a7ed5b6dc8fc7b';
export const PUBLISHER = 'Passport Index data set (ilyankou/passport-index-dataset)';

/**
 * The data set's snapshots at that commit: `legacy/<date>/` folders and the
 * root file (the last date). Listed here because three of them changed nothing
 * and so have no row in the changes file, and two of those are named nowhere in it.
 */
export const SNAPSHOTS: readonly string[] = [
  '2019-11-23', '2019-12-17', '2020-02-07', '2020-03-09', '2020-04-02', '2020-05-09', '2020-11-19',
  '2021-01-25', '2021-02-24', '2021-05-13', '2021-08-09', '2021-09-24', '2021-10-28', '2021-11-21',
  '2021-12-14', '2022-01-05', '2022-02-10', '2022-03-06', '2022-04-10', '2022-05-02', '2022-06-06',
  '2022-07-03', '2022-08-03', '2022-09-10', '2022-10-05', '2022-11-06', '2022-12-21', '2023-01-11',
  '2023-02-09', '2023-03-12', '2023-04-06', '2023-05-05', '2023-06-05', '2023-07-03', '2023-08-15',
  '2023-09-03', '2023-10-11', '2023-11-06', '2023-12-03', '2024-01-05', '2024-02-07', '2024-03-02',
  '2024-04-08', '2024-05-08', '2024-05-27', '2024-06-10', '2024-07-02', '2024-08-03', '2024-10-28',
  '2024-11-11', '2024-12-04', '2025-01-02', '2025-01-12',
];
export const FIRST_SNAPSHOT = SNAPSHOTS[0]!;
export const LATEST_SNAPSHOT = SNAPSHOTS[SNAPSHOTS.length - 1]!;

const POSITION = new Map(SNAPSHOTS.map((date, index) => [date, index]));

/** The snapshot before `snapshot`; null for the first; throws for a date that is not a snapshot. */
export function previousSnapshotOf(snapshot: string): string | null {
  const index = POSITION.get(snapshot);
  if (index === undefined) throw new Error(`passport index: ${snapshot} is not a snapshot of the data set`);
  return index === 0 ? null : SNAPSHOTS[index - 1]!;
}

export function isSnapshot(date: string): boolean {
  return POSITION.has(date);
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
