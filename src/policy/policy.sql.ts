/** Policy columns under the names the Prisma model uses, for raw SQL that must return the same shape. */
export const POLICY_COLUMNS = `p.id, p.country_code AS "countryCode", p.nationality, p.category, p.status,
  p.visa_requirement AS "visaRequirement", p.max_stay_days AS "maxStayDays", p.title, p.summary,
  p.effective_from AS "effectiveFrom", p.effective_to AS "effectiveTo", p.changed_after AS "changedAfter",
  p.announced_at AS "announcedAt", p.recorded_at AS "recordedAt", p.previous_id AS "previousId",
  p.verification, p.retracted_at AS "retractedAt", p.retraction_reason AS "retractionReason"`;
