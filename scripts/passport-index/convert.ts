import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { seedDir } from '../../src/common/paths';
import { buildHistory, type DatasetVersion, type StoryVisa } from './history';
import type { NotesFile } from './notes';
import { renderPolicies } from './render';
import { readSnapshots } from './snapshots';

export const rawDir = path.join(seedDir, 'passport-index');
export const outputFile = path.join(seedDir, 'passport-index-visas.csv');

export interface Conversion {
  csv: string;
  versions: DatasetVersion[];
}

/**
 * prisma/seed/passport-index/passport-index-ru.csv + notes.json + the story's
 * VISA versions to prisma/seed/passport-index-visas.csv. Pure and deterministic:
 * the same inputs give the same bytes, which the drift test relies on.
 */
export async function convertPassportIndex(dir = seedDir): Promise<Conversion> {
  const raw = path.join(dir, 'passport-index');
  const snapshots = readSnapshots(await readFile(path.join(raw, 'passport-index-ru.csv'), 'utf8'));
  const notes = (JSON.parse(await readFile(path.join(raw, 'notes.json'), 'utf8')) as NotesFile).notes;
  const story = storyVisas(JSON.parse(await readFile(path.join(dir, 'story.json'), 'utf8')) as { policies?: Array<Record<string, unknown>> });
  const versions = [...snapshots].flatMap(([destination, observations]) => buildHistory(destination, observations, story.get(destination) ?? []));
  return { csv: renderPolicies(versions, notes), versions };
}

function storyVisas(story: { policies?: Array<Record<string, unknown>> }): Map<string, StoryVisa[]> {
  const byCountry = new Map<string, StoryVisa[]>();
  for (const policy of story.policies ?? []) {
    if (policy.category !== 'VISA' || (policy.nationality ?? 'RU') !== 'RU') continue;
    const list = byCountry.get(String(policy.countryCode)) ?? [];
    list.push({
      effectiveFrom: String(policy.effectiveFrom),
      visaRequirement: (policy.visaRequirement ?? null) as StoryVisa['visaRequirement'],
      maxStayDays: typeof policy.maxStayDays === 'number' ? policy.maxStayDays : null,
    });
    byCountry.set(String(policy.countryCode), list);
  }
  return byCountry;
}
