import path from 'node:path';
import type { ImportRow } from '../importer/import.types';
import { readNotes } from './passport-index.notes';
import { policyOf, type PassportIndexPolicy } from './passport-index.render';
import { passportIndexDir, VERSIONS_FILE } from './passport-index.source';
import { readVersionsFile } from './passport-index.versions-file';

/**
 * Every passport's data-set versions as policy records in the importer's shape,
 * rendered from the committed versions file and notes.json: what a bulk loader
 * inserts. The dated versions of prisma/seed/story.json that override the data
 * set are not among them (the seed loads the story itself); the versions file
 * already leaves out what they replace.
 */
export async function readPassportIndexPolicies(dir = passportIndexDir): Promise<PassportIndexPolicy[]> {
  const [versions, notes] = await Promise.all([readVersionsFile(dir), readNotes(dir)]);
  return versions.map((version) => policyOf(version, notes));
}

/** Where the seed's data-set rows say they come from, for a report naming a line. */
export const VERSIONS_ROW_FILE = path.join('passport-index', VERSIONS_FILE);

/**
 * Every passport's versions as import rows (a policy record each, in the
 * shape a CSV row of the same policy reads as: empty values left out), so
 * that the seed imports them through the importer's validation and
 * versioning like any file. Line n is the versions file's line n.
 */
export async function readPassportIndexRows(dir = passportIndexDir): Promise<ImportRow[]> {
  return (await readPassportIndexPolicies(dir)).map((policy, index) => ({
    kind: 'policy',
    file: VERSIONS_ROW_FILE,
    line: index + 2,
    data: withoutEmpty({ ...policy, sources: policy.sources.map(withoutEmpty) }),
  }));
}

function withoutEmpty<T extends object>(record: T): T {
  const copy = { ...record } as Record<string, unknown>;
  for (const key in copy) if (copy[key] === null || copy[key] === undefined) delete copy[key];
  return copy as T;
}
