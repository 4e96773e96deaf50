/** Event columns under the names the Prisma model uses, for raw SQL. */
export const EVENT_COLUMNS = `e.id, e.title, e.description, e.kind, e.occurred_on AS "occurredOn",
  e.country_code AS "countryCode", e.figure_value AS "figureValue", e.figure_unit AS "figureUnit",
  e.figure_qualifier AS "figureQualifier", e.verification, e.recorded_at AS "recordedAt",
  e.retracted_at AS "retractedAt", e.retraction_reason AS "retractionReason"`;
