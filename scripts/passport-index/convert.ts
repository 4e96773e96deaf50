import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { seedDir } from '../../src/common/paths';
import { DEFAULT_PASSPORT, notesFor, passportOf, readNotes, type Note } from '../../src/passport-index/passport-index.notes';
import { ALL_PASSPORTS_FILE, RU_POLICIES_FILE, VERSIONS_FILE } from '../../src/passport-index/passport-index.source';
import type { DatasetVersion } from '../../src/passport-index/passport-index.version';
import { formatVersionsFile } from '../../src/passport-index/passport-index.versions-file';
import { countryCodes } from './countries';
import { readChangeRows, readHistories } from './dataset';
import { buildHistory } from './history';
import { pairKey, storyVisas } from './overrides';
import { renderPolicies } from './render';

export interface Conversion {
  /** Every passport's versions, by passport, destination and date. */
  versions: DatasetVersion[];
  /** The generated files, by path, with the content they must have. */
  outputs: Array<{ file: string; content: string }>;
}

/**
 * prisma/seed/passport-index/passport-index-all.csv.gz + notes.json + the
 * story's VISA versions to two files: every passport's versions
 * (passport-index/passport-index-versions.csv) and the Russian passport's as a
 * policies file the seed loads (passport-index-visas.csv). Pure and
 * deterministic: the same inputs give the same bytes, which the drift check
 * relies on.
 */
export async function convertPassportIndex(dir = seedDir): Promise<Conversion> {
  const raw = path.join(dir, 'passport-index');
  const [file, codes, notes, story] = await Promise.all([
    readFile(path.join(raw, ALL_PASSPORTS_FILE)),
    countryCodes(dir),
    readNotes(raw),
    readFile(path.join(dir, 'story.json'), 'utf8').then((text) => storyVisas(JSON.parse(text) as { policies?: Array<Record<string, unknown>> })),
  ]);
  const histories = readHistories(readChangeRows(file), codes);
  const versions: DatasetVersion[] = [];
  for (const passport of [...histories.keys()].sort()) {
    const byDestination = histories.get(passport)!;
    for (const destination of [...byDestination.keys()].sort()) {
      versions.push(...buildHistory({ passport, destination }, byDestination.get(destination)!, story.get(pairKey(passport, destination)) ?? []));
    }
  }
  checkNotesUsed(notes, versions);
  return {
    versions,
    outputs: [
      { file: path.join(dir, RU_POLICIES_FILE), content: renderPolicies(versions.filter((v) => v.passport === DEFAULT_PASSPORT), notes) },
      { file: path.join(raw, VERSIONS_FILE), content: formatVersionsFile(versions) },
    ],
  };
}

/** A note that matches no version is an error: notes must not rot silently. */
function checkNotesUsed(notes: readonly Note[], versions: readonly DatasetVersion[]): void {
  const used = new Set<Note>();
  for (const v of versions) notesFor(notes, v.passport, v.destination, v.reading.visaRequirement, v.reading.maxStayDays).forEach((note) => used.add(note));
  const unused = notes.filter((note) => !used.has(note));
  if (unused.length > 0) {
    throw new Error(`passport index: notes match no version: ${unused.map((n) => `${passportOf(n)} → ${n.destination} ${JSON.stringify(n.match)}`).join('; ')}`);
  }
}

/** The generated files whose committed content is not what the converter makes. */
export async function staleOutputs(dir = seedDir): Promise<string[]> {
  const { outputs } = await convertPassportIndex(dir);
  const stale: string[] = [];
  for (const { file, content } of outputs) {
    if ((await readFile(file, 'utf8').catch(() => null)) !== content) stale.push(file);
  }
  return stale;
}
