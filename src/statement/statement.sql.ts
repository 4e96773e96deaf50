import { selectList } from '../db/columns';

export const STATEMENT_FIELDS = {
  id: 'id',
  speaker: 'speaker',
  speakerRole: 'speaker_role',
  countryCode: 'country_code',
  saidAt: 'said_at',
  saidAtPrecision: 'said_at_precision',
  text: 'text',
  language: 'language',
  medium: 'medium',
  replyToId: 'reply_to_id',
  verification: 'verification',
  recordedAt: 'recorded_at',
  retractedAt: 'retracted_at',
  retractionReason: 'retraction_reason',
} as const;

/** Statement columns (table alias `s`) under the names the Prisma model uses. */
export const STATEMENT_COLUMNS = selectList(STATEMENT_FIELDS, 's');
