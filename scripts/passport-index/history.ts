import type { VisaRequirement } from '../../src/common/enums';
import { ETA_CATEGORY_FROM, sameReading, type Reading } from './readings';
import type { Observation } from './snapshots';

/** A VISA version of the story (prisma/seed/story.json) for the same destination. */
export interface StoryVisa {
  effectiveFrom: string;
  visaRequirement: VisaRequirement | null;
  maxStayDays: number | null;
}

/**
 * first: the destination's first observation; change: the value changed between two
 * snapshots; refinement: the data set started giving a day count for a visa-free rule;
 * reclassification: an e-visa became "eta" when the data set introduced that value.
 */
export type VersionKind = 'first' | 'change' | 'refinement' | 'reclassification';

export interface DatasetVersion {
  destination: string;
  kind: VersionKind;
  snapshot: string;
  /** The destination's snapshot before this one: the change happened after it. */
  previousSnapshot: string | null;
  reading: Reading;
  previousReading: Reading | null;
}

type InForce = { origin: 'story'; story: StoryVisa } | { origin: 'dataset'; reading: Reading };

/**
 * One destination's VISA history from the data set, merged with the story's
 * dated versions. The data set only speaks when its value changes (or on its
 * first observation): a snapshot that repeats the previous value says nothing
 * new, so a story version in between (Finland's visa cut of 2022-09-01) is
 * never followed by a version that merely restates "visa required". A change
 * the data set observes is kept unless it agrees with the version in force
 * (a story version's requirement and stay, or a day count the data set had
 * and dropped).
 */
export function buildHistory(destination: string, observations: readonly Observation[], story: readonly StoryVisa[]): DatasetVersion[] {
  const pending = [...story].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const versions: DatasetVersion[] = [];
  let inForce: InForce | null = null;
  let previous: Observation | null = null;
  for (const observation of observations) {
    while (pending.length > 0 && pending[0]!.effectiveFrom <= observation.snapshot) inForce = { origin: 'story', story: pending.shift()! };
    const before = previous;
    previous = observation;
    if (before && sameReading(before.reading, observation.reading)) continue;
    if (inForce && agrees(inForce, observation.reading)) continue;
    if (story.some((s) => s.effectiveFrom === observation.snapshot)) {
      throw new Error(`passport index: ${destination} changes on ${observation.snapshot}, the day a story version starts; decide which one stands`);
    }
    versions.push({
      destination,
      kind: kindOf(before?.reading ?? null, observation),
      snapshot: observation.snapshot,
      previousSnapshot: before?.snapshot ?? null,
      reading: observation.reading,
      previousReading: before?.reading ?? null,
    });
    inForce = { origin: 'dataset', reading: observation.reading };
  }
  return versions;
}

function agrees(inForce: InForce, reading: Reading): boolean {
  if (inForce.origin === 'story') {
    const { story } = inForce;
    return reading.special === null && story.visaRequirement === reading.visaRequirement && (reading.maxStayDays === null || reading.maxStayDays === story.maxStayDays);
  }
  // Losing a day count the data set had is not a change of rule.
  return sameReading(inForce.reading, reading) || (sameRequirement(inForce.reading, reading) && reading.maxStayDays === null);
}

function kindOf(before: Reading | null, observation: Observation): VersionKind {
  const { reading } = observation;
  if (!before) return 'first';
  if (sameRequirement(before, reading) && before.maxStayDays === null && reading.maxStayDays !== null) return 'refinement';
  if (before.visaRequirement === 'E_VISA' && reading.visaRequirement === 'ETA' && reading.special === null && observation.snapshot === ETA_CATEGORY_FROM) {
    return 'reclassification';
  }
  return 'change';
}

function sameRequirement(a: Reading, b: Reading): boolean {
  return a.visaRequirement === b.visaRequirement && a.special === b.special;
}
