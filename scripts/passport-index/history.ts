import { ETA_CATEGORY_FROM, sameReading, type Reading } from '../../src/passport-index/passport-index.readings';
import type { DatasetVersion, VersionKind } from '../../src/passport-index/passport-index.version';
import type { Observation } from './dataset';
import type { StoryVisa } from './overrides';

type InForce = { origin: 'story'; story: StoryVisa } | { origin: 'dataset'; reading: Reading };

/**
 * One pair's VISA history from the data set, merged with the story's dated
 * versions for the same passport and destination. The data set only speaks
 * when its value changes (or on its first observation): a snapshot that
 * repeats the previous value says nothing new, so a story version in between
 * (Finland's visa cut of 2022-09-01) is never followed by a version that
 * merely restates "visa required". A change the data set observes is kept
 * unless it agrees with the version in force (a story version's requirement
 * and stay, or a day count the data set had and dropped).
 */
export function buildHistory(
  pair: { passport: string; destination: string },
  observations: readonly Observation[],
  story: readonly StoryVisa[],
): DatasetVersion[] {
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
      throw new Error(
        `passport index: ${pair.passport} → ${pair.destination} changes on ${observation.snapshot}, the day a story version starts; decide which one stands`,
      );
    }
    // The kind compares with the data set's own version in force: after 30 days, a
    // bare "visa free" (dropped above) then 60 days is a change, not a refinement.
    // Under a story version it compares with the data set's previous value.
    const basis = inForce?.origin === 'dataset' ? inForce.reading : (before?.reading ?? null);
    versions.push({
      passport: pair.passport,
      destination: pair.destination,
      kind: kindOf(basis, observation),
      snapshot: observation.snapshot,
      previousSnapshot: before ? observation.previousSnapshot : null,
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
