import type { Reading } from './passport-index.readings';

/**
 * first: the pair's first observation; change: the value changed between two
 * snapshots; refinement: the data set started giving a day count for a visa-free rule;
 * reclassification: an e-visa became "eta" when the data set introduced that value.
 */
export type VersionKind = 'first' | 'change' | 'refinement' | 'reclassification';
export const VERSION_KINDS: readonly VersionKind[] = ['first', 'change', 'refinement', 'reclassification'];

/** One VISA version of one passport (nationality) for one destination, as the data set shows it. */
export interface DatasetVersion {
  passport: string;
  destination: string;
  kind: VersionKind;
  /** The snapshot that first shows it: the version's effectiveFrom. */
  snapshot: string;
  /** The snapshot before it (null for a first observation): a change happened after that one. */
  previousSnapshot: string | null;
  reading: Reading;
  previousReading: Reading | null;
}
