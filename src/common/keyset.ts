import { BadUserInputError } from './errors';
import type { CursorValue } from './cursor';

/** Reads a cursor position written as [ISO timestamp, id]. */
export function dateIdPosition(position: CursorValue[], field = 'after'): { date: Date; id: string } {
  const [iso, id] = position;
  const date = typeof iso === 'string' ? new Date(iso) : new Date(NaN);
  if (typeof id !== 'string' || Number.isNaN(date.getTime()) || position.length !== 2) {
    throw new BadUserInputError(field, 'not a valid cursor');
  }
  return { date, id };
}

/**
 * Prisma `where` for "strictly after (date, id)" in a (date DESC, id DESC) order,
 * i.e. (column, id) < (date, id).
 */
export function beforeDateId<K extends string>(column: K, position: { date: Date; id: string }) {
  return {
    OR: [{ [column]: { lt: position.date } }, { [column]: position.date, id: { lt: position.id } }],
  } as { OR: Array<Record<K | 'id', unknown>> };
}

/** Reads a cursor position written as [ISO date, ISO timestamp, id]. */
export function dateTimeIdPosition(position: CursorValue[], field = 'after'): { date: Date; time: Date; id: string } {
  const [date, time, id] = position;
  if (position.length !== 3 || typeof date !== 'string' || typeof time !== 'string') throw new BadUserInputError(field, 'not a valid cursor');
  const { date: day, id: checkedId } = dateIdPosition([date, id ?? ''], field);
  const { date: instant } = dateIdPosition([time, checkedId], field);
  return { date: day, time: instant, id: checkedId };
}

/** Prisma `where` for "strictly after" in a (date DESC, time DESC, id DESC) order. */
export function beforeDateTimeId<D extends string, T extends string>(dateColumn: D, timeColumn: T, p: { date: Date; time: Date; id: string }) {
  return {
    OR: [
      { [dateColumn]: { lt: p.date } },
      { [dateColumn]: p.date, [timeColumn]: { lt: p.time } },
      { [dateColumn]: p.date, [timeColumn]: p.time, id: { lt: p.id } },
    ],
  } as { OR: Array<Record<D | T | 'id', unknown>> };
}
