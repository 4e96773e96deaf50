/** Policy columns under the names the Prisma model uses, for raw SQL that must return the same shape. */
export const POLICY_COLUMNS = `p.id, p.country_code AS "countryCode", p.nationality, p.category, p.status,
  p.visa_requirement AS "visaRequirement", p.max_stay_days AS "maxStayDays", p.title, p.summary,
  p.effective_from AS "effectiveFrom", p.effective_to AS "effectiveTo", p.changed_after AS "changedAfter",
  p.announced_at AS "announcedAt", p.recorded_at AS "recordedAt", p.previous_id AS "previousId",
  p.verification, p.retracted_at AS "retractedAt", p.retraction_reason AS "retractionReason"`;

/** Each Policy field's column (the fields that resolve from other columns name those), for reads of only what a query selects. */
const FIELD_COLUMNS: Record<string, string> = {
  id: 'p.id',
  countryCode: 'p.country_code AS "countryCode"',
  nationality: 'p.nationality',
  category: 'p.category',
  status: 'p.status',
  visaRequirement: 'p.visa_requirement AS "visaRequirement"',
  maxStayDays: 'p.max_stay_days AS "maxStayDays"',
  title: 'p.title',
  summary: 'p.summary',
  effectiveFrom: 'p.effective_from AS "effectiveFrom"',
  effectiveTo: 'p.effective_to AS "effectiveTo"',
  changedAfter: 'p.changed_after AS "changedAfter"',
  announcedAt: 'p.announced_at AS "announcedAt"',
  recordedAt: 'p.recorded_at AS "recordedAt"',
  previousId: 'p.previous_id AS "previousId"',
  verification: 'p.verification',
  retractedAt: 'p.retracted_at AS "retractedAt"',
  retractionReason: 'p.retraction_reason AS "retractionReason"',
};
const DERIVED: Record<string, string[]> = { country: ['countryCode'], previous: ['previousId'], sources: ['id'], __typename: [] };
/** Always read: the key, the grouping and the order of the in-force lists. */
const ALWAYS = ['id', 'countryCode', 'nationality', 'category', 'effectiveFrom', 'effectiveTo'];

/**
 * The columns for the Policy fields a query selects, as a sorted, comma-separated field list
 * (a loader key); null (all columns) when a field is not known here.
 */
export function policyFieldsFor(selected: ReadonlySet<string> | null): string | null {
  if (!selected) return null;
  const fields = new Set(ALWAYS);
  for (const name of selected) {
    if (name in FIELD_COLUMNS) fields.add(name);
    else if (name in DERIVED) for (const field of DERIVED[name]!) fields.add(field);
    else return null;
  }
  return [...fields].sort().join(',');
}

/** The SELECT list for a field list from policyFieldsFor (null: every column). */
export function policyColumns(fields: string | null): string {
  return fields === null ? POLICY_COLUMNS : fields.split(',').map((field) => FIELD_COLUMNS[field]!).join(', ');
}
