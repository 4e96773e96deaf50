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
