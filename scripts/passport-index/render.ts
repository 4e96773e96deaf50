import { Verification } from '../../src/common/enums';
import type { DatasetVersion } from './history';
import { notesFor, type Note } from './notes';
import { ETA_CATEGORY_FROM, statusOf, titleOf, type Reading } from './readings';
import { snapshotSource, type SourceRow } from './snapshots';

const FIXED_COLUMNS = ['countryCode', 'category', 'status', 'visaRequirement', 'maxStayDays', 'title', 'summary', 'effectiveFrom', 'changedAfter', 'verification'];
const SOURCE_COLUMNS = ['Url', 'Title', 'Publisher', 'PublishedAt'];
const STRICTNESS: readonly Verification[] = [Verification.VERIFIED, Verification.PARTLY_VERIFIED, Verification.UNVERIFIED];

/**
 * The versions as a policies file in the importer's CSV format (see README,
 * "Importing data"), one row per version, by destination then date. A note
 * that matches no version is an error: notes must not rot silently.
 */
export function renderPolicies(versions: readonly DatasetVersion[], notes: readonly Note[]): string {
  const used = new Set<Note>();
  const rows = [...versions]
    .sort((a, b) => a.destination.localeCompare(b.destination) || a.snapshot.localeCompare(b.snapshot))
    .map((version) => {
      const matching = notesFor(notes, version.destination, version.reading.visaRequirement, version.reading.maxStayDays);
      matching.forEach((note) => used.add(note));
      return rowOf(version, matching);
    });
  const unused = notes.filter((note) => !used.has(note));
  if (unused.length > 0) throw new Error(`passport index: notes match no version: ${unused.map((n) => `${n.destination} ${JSON.stringify(n.match)}`).join('; ')}`);
  const sourceGroups = Math.max(1, ...rows.map((row) => row.sources.length));
  const header = [...FIXED_COLUMNS];
  for (let i = 0; i < sourceGroups; i += 1) header.push(...SOURCE_COLUMNS.map((field) => `source${field}${i === 0 ? '' : i + 1}`));
  const lines = [header.join(',')];
  for (const row of rows) {
    const cells: Array<string | number | null> = [...row.fixed];
    for (let i = 0; i < sourceGroups; i += 1) {
      const source = row.sources[i];
      cells.push(source?.url ?? null, source?.title ?? null, source?.publisher ?? null, source?.publishedAt ?? null);
    }
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function rowOf(version: DatasetVersion, notes: readonly Note[]) {
  const { reading } = version;
  const verification = notes.reduce<Verification>(
    (worst, note) => (note.verification && STRICTNESS.indexOf(note.verification) > STRICTNESS.indexOf(worst) ? note.verification : worst),
    Verification.VERIFIED,
  );
  const sources: SourceRow[] = [snapshotSource(version.snapshot), ...notes.flatMap((note) => note.sources ?? [])];
  return {
    fixed: [
      version.destination,
      'VISA',
      statusOf(reading),
      reading.visaRequirement,
      reading.maxStayDays,
      titleOf(reading),
      summaryOf(version, notes),
      version.snapshot,
      version.kind === 'change' ? version.previousSnapshot : null,
      verification,
    ],
    sources,
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

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
