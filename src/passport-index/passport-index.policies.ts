import { readNotes } from './passport-index.notes';
import { policyOf, type PassportIndexPolicy } from './passport-index.render';
import { passportIndexDir } from './passport-index.source';
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
