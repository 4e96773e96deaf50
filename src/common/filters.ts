import { BadUserInputError } from './errors';

const DAY_MS = 86_400_000;

/**
 * A closed range of calendar days as a half-open range of instants, so that
 * `to: 2022-09-24` includes everything said on the 24th.
 */
export function dayRange(from: Date | null | undefined, to: Date | null | undefined): { gte?: Date; lt?: Date } | undefined {
  if (from && to && from > to) throw new BadUserInputError('filter.to', 'must not be before filter.from');
  if (!from && !to) return undefined;
  return { ...(from ? { gte: from } : {}), ...(to ? { lt: new Date(to.getTime() + DAY_MS) } : {}) };
}

/** Case-insensitive "contains", ignoring blank input. */
export function contains(text: string | null | undefined): { contains: string; mode: 'insensitive' } | undefined {
  const trimmed = text?.trim();
  return trimmed ? { contains: trimmed, mode: 'insensitive' } : undefined;
}
