import { BadUserInputError } from './errors';

/** Calendar dates are UTC midnights, the way PostgreSQL `date` columns come back. */
export function todayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD strictly (no rollover: 2022-02-30 is refused). */
export function parseIsoDate(value: string, field: string): Date {
  const match = ISO_DATE.exec(value);
  if (!match) throw new BadUserInputError(field, `"${value}" is not a date in the form YYYY-MM-DD`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw new BadUserInputError(field, `"${value}" is not a calendar date`);
  }
  return date;
}

export function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
