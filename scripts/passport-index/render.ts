import { DEFAULT_PASSPORT, type Note } from '../../src/passport-index/passport-index.notes';
import { policyOf } from '../../src/passport-index/passport-index.render';
import type { DatasetVersion } from '../../src/passport-index/passport-index.version';

const FIXED_COLUMNS = ['countryCode', 'category', 'status', 'visaRequirement', 'maxStayDays', 'title', 'summary', 'effectiveFrom', 'changedAfter', 'verification'] as const;
const SOURCE_COLUMNS = ['Url', 'Title', 'Publisher', 'PublishedAt'];

/**
 * One passport's versions as a policies file in the importer's CSV format (see
 * README, "Importing data"), one row per version, by destination then date. It
 * has no nationality column: the importer reads such a file as Russian passports'.
 */
export function renderPolicies(versions: readonly DatasetVersion[], notes: readonly Note[]): string {
  const passports = new Set(versions.map((v) => v.passport));
  if ([...passports].some((passport) => passport !== DEFAULT_PASSPORT)) throw new Error(`passport index: the policies file holds ${DEFAULT_PASSPORT} passports only`);
  const rows = [...versions]
    .sort((a, b) => a.destination.localeCompare(b.destination) || a.snapshot.localeCompare(b.snapshot))
    .map((version) => policyOf(version, notes));
  const sourceGroups = Math.max(1, ...rows.map((row) => row.sources.length));
  const header: string[] = [...FIXED_COLUMNS];
  for (let i = 0; i < sourceGroups; i += 1) header.push(...SOURCE_COLUMNS.map((field) => `source${field}${i === 0 ? '' : i + 1}`));
  const lines = [header.join(',')];
  for (const row of rows) {
    const cells: Array<string | number | null> = FIXED_COLUMNS.map((column) => row[column]);
    for (let i = 0; i < sourceGroups; i += 1) {
      const source = row.sources[i];
      cells.push(source?.url ?? null, source?.title ?? null, source?.publisher ?? null, source?.publishedAt ?? null);
    }
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
