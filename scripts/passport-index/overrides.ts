import type { VisaRequirement } from '../../src/common/enums';
import { DEFAULT_PASSPORT } from '../../src/passport-index/passport-index.notes';

/** A dated VISA version of the story (prisma/seed/story.json) for the same passport and destination. */
export interface StoryVisa {
  effectiveFrom: string;
  visaRequirement: VisaRequirement | null;
  maxStayDays: number | null;
}

export function pairKey(passport: string, destination: string): string {
  return `${passport}/${destination}`;
}

/**
 * The story's VISA versions by passport and destination: the verified, dated
 * sources that win over the data set where they disagree. A record without a
 * nationality is about Russian passports, as for the importer.
 */
export function storyVisas(story: { policies?: Array<Record<string, unknown>> }): Map<string, StoryVisa[]> {
  const byPair = new Map<string, StoryVisa[]>();
  for (const policy of story.policies ?? []) {
    if (policy.category !== 'VISA') continue;
    const key = pairKey(typeof policy.nationality === 'string' ? policy.nationality : DEFAULT_PASSPORT, String(policy.countryCode));
    const list = byPair.get(key) ?? [];
    list.push({
      effectiveFrom: String(policy.effectiveFrom),
      visaRequirement: (policy.visaRequirement ?? null) as StoryVisa['visaRequirement'],
      maxStayDays: typeof policy.maxStayDays === 'number' ? policy.maxStayDays : null,
    });
    byPair.set(key, list);
  }
  return byPair;
}
