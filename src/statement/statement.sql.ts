/** Statement columns under the names the Prisma model uses, for raw SQL. */
export const STATEMENT_COLUMNS = `s.id, s.speaker, s.speaker_role AS "speakerRole", s.country_code AS "countryCode",
  s.said_at AS "saidAt", s.said_at_precision AS "saidAtPrecision", s.text, s.language, s.medium,
  s.reply_to_id AS "replyToId", s.verification, s.recorded_at AS "recordedAt",
  s.retracted_at AS "retractedAt", s.retraction_reason AS "retractionReason"`;
