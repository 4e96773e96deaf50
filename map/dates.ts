/** The first day the data covers: the first Passport Index snapshot (prisma/seed/passport-index-visas.csv). */
export const FIRST_DAY = '2019-11-23';

const DAY_MS = 86_400_000;

/** Today's UTC calendar date, the API's idea of "today". */
export const todayIso = (): string => new Date().toISOString().slice(0, 10);

/** Days since 1970-01-01 (UTC) and back: what the slider moves through. */
export const dayNumber = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
export const isoOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** A real calendar date between FIRST_DAY and today, written YYYY-MM-DD. */
export function isMapDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = dayNumber(value);
  return Number.isFinite(day) && isoOfDay(day) === value && value >= FIRST_DAY && value <= todayIso();
}

/** Whether a version is in force on `date` (the API's rule: from effectiveFrom, up to but not including effectiveTo). */
export function inForceOn(version: { effectiveFrom: string; effectiveTo: string | null }, date: string): boolean {
  return version.effectiveFrom <= date && (version.effectiveTo === null || date < version.effectiveTo);
}
