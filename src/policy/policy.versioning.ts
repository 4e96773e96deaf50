import { BadUserInputError, ConflictError } from '../common/errors';
import { formatIsoDate } from '../common/dates';
import { policyLock } from '../db/locks';
import type { PolicyChangeInputValue } from './policy-change.input';

/**
 * Policy versioning, for every writer: an editor's change and a retraction (one call each of the SQL
 * functions in prisma/migrations/20261203050000_write_functions, through policy.versioning.sql.ts) and
 * the importer's in-memory planner (src/importer/batch-plan.ts), which applies the same rules to a
 * whole batch without a round trip per row.
 *
 * - The lock: writers of one policy queue on policyLock (src/db/locks.ts, the one place a lock key is
 *   built), the importer through lockInOrder, the API's writes in their one statement.
 * - Close and append: a new version closes the open one (its effectiveTo becomes the new version's
 *   effectiveFrom), points back at it, and must not start before it (appendable).
 * - Relink on retraction: the version after a retracted one points back past it, and the version
 *   before it takes over its period (bw_retract; no importer path retracts).
 *
 * `appendable` and the direction (policy.direction.ts) are written in TypeScript for the planner and
 * in SQL (bw_appendable, bw_change_direction) for the one-round-trip write;
 * test/integration/versioning-rules.test.ts runs both on generated cases and expects the same answers.
 */
export const versionLock = policyLock;

/** The natural key of a policy, as messages name it: `FI/RU/ENTRY`. */
export function policyName(ref: { countryCode: string; nationality: string; category: string }): string {
  return `${ref.countryCode}/${ref.nationality}/${ref.category}`;
}

/** A version may start on the day the current one did (a correction), never before. Mirrors bw_appendable. */
export function appendable(current: { effectiveFrom: Date } | null, effectiveFrom: Date): boolean {
  return !current || effectiveFrom >= current.effectiveFrom;
}

/** The refusal of a version that would start before the current one. */
export function notBeforeCurrent(field: string, currentFrom: Date): BadUserInputError {
  return new BadUserInputError(
    field,
    `must not be before ${formatIsoDate(currentFrom)}, when the current version took effect; history can only be appended`,
  );
}

export function assertAppendable(current: { effectiveFrom: Date } | null, effectiveFrom: Date, field: string): void {
  if (!appendable(current, effectiveFrom)) throw notBeforeCurrent(field, current!.effectiveFrom);
}

/** The refusal of a change made against a version that is no longer the current one. */
export function stalePrevious(field: string, ref: { countryCode: string; nationality: string; category: string }, currentId: string | null, expectedId: string) {
  return new ConflictError(`${policyName(ref)} has changed: its current version is ${currentId ?? 'none'}, not ${expectedId}`, { field, currentId });
}

/**
 * Appends a version after `head` in memory (the planner's state): refused if it would start before the
 * head; otherwise the head closes on the new version's first day and the new version points back at it.
 * What bw_record_policy_change does in the database.
 */
export function appendVersion(
  head: { id: string; effectiveFrom: Date; effectiveTo: Date | null } | null,
  input: PolicyChangeInputValue,
  field: string,
): ReturnType<typeof newVersionFields> {
  assertAppendable(head, input.effectiveFrom, field);
  if (head) head.effectiveTo = input.effectiveFrom;
  return newVersionFields(input, head?.id ?? null);
}

/** What a new version holds, for an editor's change and the importer alike. */
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
