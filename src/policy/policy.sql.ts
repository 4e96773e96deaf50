import { selectList } from '../db/columns';

export const POLICY_FIELDS = {
  id: 'id',
  countryCode: 'country_code',
  nationality: 'nationality',
  category: 'category',
  status: 'status',
  visaRequirement: 'visa_requirement',
  maxStayDays: 'max_stay_days',
  title: 'title',
  summary: 'summary',
  effectiveFrom: 'effective_from',
  effectiveTo: 'effective_to',
  changedAfter: 'changed_after',
  announcedAt: 'announced_at',
  recordedAt: 'recorded_at',
  previousId: 'previous_id',
  verification: 'verification',
  retractedAt: 'retracted_at',
  retractionReason: 'retraction_reason',
} as const;

/** Policy columns (table alias `p`) under the names the Prisma model uses. */
export const POLICY_COLUMNS = selectList(POLICY_FIELDS, 'p');

const DERIVED: Record<string, readonly (keyof typeof POLICY_FIELDS)[]> = { country: ['countryCode'], previous: ['previousId'], sources: ['id'], __typename: [] };
/** Always read: the key, the grouping and the order of the in-force lists, and what their SQL compares. */
const ALWAYS: readonly (keyof typeof POLICY_FIELDS)[] = ['id', 'countryCode', 'nationality', 'category', 'effectiveFrom', 'effectiveTo'];

/**
 * The Policy fields a query selects (see selectedFieldNames), plus those always needed, as a
 * sorted comma-separated list (a loader key); null (every column) when a field is not known here.
 */
export function policyFieldsFor(selected: ReadonlySet<string> | null): string | null {
  if (!selected) return null;
  const fields = new Set<string>(ALWAYS);
  for (const name of selected) {
    if (name in POLICY_FIELDS) fields.add(name);
    else if (name in DERIVED) for (const field of DERIVED[name]!) fields.add(field);
    else return null;
  }
  return [...fields].sort().join(',');
}

/** The SELECT list (alias `p`) for a field list from policyFieldsFor; every column for null. */
export function policyColumns(fields: string | null): string {
  if (fields === null) return POLICY_COLUMNS;
  const chosen = Object.fromEntries(fields.split(',').map((field) => [field, POLICY_FIELDS[field as keyof typeof POLICY_FIELDS]]));
  return selectList(chosen, 'p');
}
