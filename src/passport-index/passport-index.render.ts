import { PolicyCategory, Verification, type PolicyStatus, type VisaRequirement } from '../common/enums';
import { notesFor, type Note, type SourceRow } from './passport-index.notes';
import { ETA_CATEGORY_FROM, statusOf, titleOf, type Reading } from './passport-index.readings';
import { snapshotSource } from './passport-index.source';
import type { DatasetVersion } from './passport-index.version';

/** A data-set version as a policy record in the importer's shape (README, "Importing data"). */
export interface PassportIndexPolicy {
  countryCode: string;
  nationality: string;
  category: typeof PolicyCategory.VISA;
  status: PolicyStatus;
  visaRequirement: VisaRequirement;
  maxStayDays: number | null;
  title: string;
  summary: string;
  effectiveFrom: string;
  /** Only for a change of rule: refinements and reclassifications are not changes. */
  changedAfter: string | null;
  verification: Verification;
  /** The snapshot first, then the sources of the notes that apply. */
  sources: SourceRow[];
}

const STRICTNESS: readonly Verification[] = [Verification.VERIFIED, Verification.PARTLY_VERIFIED, Verification.UNVERIFIED];

/**
 * The one place a version's text is written: the title, summary, verification
 * and sources of every passport's versions come from here, whether for the
 * Russian policies file or for the all-passports versions file.
 */
export function policyOf(version: DatasetVersion, allNotes: readonly Note[]): PassportIndexPolicy {
  const { reading } = version;
  const notes = notesFor(allNotes, version.passport, version.destination, reading.visaRequirement, reading.maxStayDays);
  const verification = notes.reduce<Verification>(
    (worst, note) => (note.verification && STRICTNESS.indexOf(note.verification) > STRICTNESS.indexOf(worst) ? note.verification : worst),
    Verification.VERIFIED,
  );
  return {
    countryCode: version.destination,
    nationality: version.passport,
    category: PolicyCategory.VISA,
    status: statusOf(reading),
    visaRequirement: reading.visaRequirement,
    maxStayDays: reading.maxStayDays,
    title: titleOf(reading),
    summary: summaryOf(version, notes),
    effectiveFrom: version.snapshot,
    changedAfter: version.kind === 'change' ? version.previousSnapshot : null,
    verification,
    sources: [snapshotSource(version.snapshot), ...notes.flatMap((note) => note.sources ?? [])],
  };
}

/** Says where the version comes from and how far its date can be trusted. */
export function summaryOf(version: DatasetVersion, notes: readonly Note[]): string {
  const { reading, previousReading, snapshot, previousSnapshot } = version;
  const parts: string[] = [];
  switch (version.kind) {
    case 'first':
      parts.push(`First observation in the Passport Index data set (snapshot of ${snapshot}), not the start of the rule.`);
      break;
    case 'change':
      parts.push(
        `Changed between the data set's snapshots of ${previousSnapshot} and ${snapshot}; the data set does not say on which day. ` +
          `Before, it read "${previousReading!.raw}" (${describe(previousReading!)}).`,
      );
      break;
    case 'refinement':
      parts.push(
        `The data set gives the number of days from its snapshot of ${snapshot}; before, it said only "${previousReading!.raw}" (visa-free). ` +
          'A more precise record, not a change of rule.',
      );
      break;
    case 'reclassification':
      parts.push(
        `The data set introduced its "eta" value in the snapshot of ${snapshot}; before it, electronic travel authorisations were counted as "e-visa". ` +
          'Probably a reclassification rather than a change of rule.',
      );
      break;
  }
  if (reading.special === 'covid ban') parts.push('"covid ban" is a legacy value of the data set: travel banned for most people under Covid-19 restrictions.');
  if (reading.special === 'hayya') parts.push('"Hayya Entry Permit" is a legacy value of the data set: the fan ID for the FIFA World Cup 2022, needed to enter Qatar in November and December 2022.');
  if (reading.notation) parts.push(`The data set wrote "${reading.raw}", ${reading.notation}.`);
  if (reading.visaRequirement === 'E_VISA' && snapshot < ETA_CATEGORY_FROM) {
    parts.push(`Until ${ETA_CATEGORY_FROM} the data set's "e-visa" also covered electronic travel authorisations.`);
  }
  parts.push(...notes.map((note) => note.note));
  return parts.join(' ');
}

function describe(reading: Reading): string {
  const title = titleOf(reading);
  return title.charAt(0).toLowerCase() + title.slice(1);
}
