import { BadUserInputError } from '../common/errors';
import { formatIsoDate } from '../common/dates';
import type { PolicyChangeInputValue } from './policy-change.input';

/**
 * The rules of a new version, shared by an editor's change and the importer:
 * what the version holds, and that history is only ever appended.
 */
export function newVersionFields(input: PolicyChangeInputValue, previousId: string | null) {
  return {
    countryCode: input.countryCode,
    nationality: input.nationality,
    category: input.category,
    status: input.status,
    visaRequirement: input.visaRequirement,
    maxStayDays: input.maxStayDays,
    title: input.title,
    summary: input.summary,
    effectiveFrom: input.effectiveFrom,
    changedAfter: input.changedAfter,
    announcedAt: input.announcedAt,
    verification: input.verification,
    previousId,
  };
}

/** A version may start on the day the current one did (a correction), never before. */
export function assertAppendable(current: { effectiveFrom: Date } | null, effectiveFrom: Date, field: string): void {
  if (current && effectiveFrom < current.effectiveFrom) {
    throw new BadUserInputError(
      field,
      `must not be before ${formatIsoDate(current.effectiveFrom)}, when the current version took effect; history can only be appended`,
    );
  }
}
