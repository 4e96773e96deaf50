import { selectList } from '../db/columns';

export const EVENT_FIELDS = {
  id: 'id',
  title: 'title',
  description: 'description',
  kind: 'kind',
  occurredOn: 'occurred_on',
  countryCode: 'country_code',
  figureValue: 'figure_value',
  figureUnit: 'figure_unit',
  figureQualifier: 'figure_qualifier',
  verification: 'verification',
  recordedAt: 'recorded_at',
  retractedAt: 'retracted_at',
  retractionReason: 'retraction_reason',
} as const;

/** Event columns (table alias `e`) under the names the Prisma model uses. */
export const EVENT_COLUMNS = selectList(EVENT_FIELDS, 'e');
