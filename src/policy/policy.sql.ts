import { columnsAt, selectList } from '../db/columns';
import { PolicyTable } from '../generated/model';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const POLICY_FIELDS = PolicyTable.columns;

/** Policy columns in SQL under the alias `p`, by column name: `${p.country_code}`. */
export const p = columnsAt(PolicyTable, 'p');

/** Policy columns (table alias `p`) under the names the Prisma model uses. */
export const POLICY_COLUMNS = selectList(POLICY_FIELDS, 'p');

type PolicyField = keyof typeof POLICY_FIELDS;

const DERIVED: Record<string, readonly PolicyField[]> = { country: ['countryCode'], previous: ['previousId'], sources: ['id'], __typename: [] };
/** Always read: the key, the grouping and the order of the in-force lists, and what their SQL compares. */
const ALWAYS: readonly PolicyField[] = ['id', 'countryCode', 'nationality', 'category', 'effectiveFrom', 'effectiveTo'];

/**
 * The column sets an in-force read chooses from, smallest first. Each is one SQL text, prepared on
 * every pooled connection, so a selection is rounded up to the first set holding it (every column
 * when none does): three texts, whatever fields clients pick out of 2^12 combinations.
 */
const PROJECTIONS: ReadonlyArray<ReadonlySet<string>> = [
  // The country map: 250 countries × 7 policies for one field.
  [...ALWAYS, 'status'],
  // A country's card.
  [...ALWAYS, 'status', 'visaRequirement', 'maxStayDays', 'title', 'summary', 'verification'],
].map((fields) => new Set(fields));

/**
 * The Policy columns to read for the fields a query selects (see selectedFieldNames), as the
 * sorted comma-separated list of the smallest projection holding them (a loader key); null (every
 * column) when a field is not known here or no smaller projection holds them all.
 */
export function policyFieldsFor(selected: ReadonlySet<string> | null): string | null {
  if (!selected) return null;
  const fields = new Set<string>(ALWAYS);
  for (const name of selected) {
    if (name in POLICY_FIELDS) fields.add(name);
    else if (name in DERIVED) for (const field of DERIVED[name]!) fields.add(field);
    else return null;
  }
  const projection = PROJECTIONS.find((columns) => [...fields].every((field) => columns.has(field)));
  return projection ? [...projection].sort().join(',') : null;
}

/** The SELECT list (alias `p`) for a field list from policyFieldsFor; every column for null. */
export function policyColumns(fields: string | null): string {
  if (fields === null) return POLICY_COLUMNS;
  const chosen = Object.fromEntries(fields.split(',').map((field) => [field, POLICY_FIELDS[field as PolicyField]]));
  return selectList(chosen, 'p');
}
