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
