import { BadUserInputError } from './errors';
import type { CursorValue } from './cursor';

/**
 * A cursor's position goes into SQL as a date, a timestamp, a uuid or a bigint: checked here, where it is
 * decoded, so that a forged cursor (signed with a leaked secret, or by a future version) is the client's
 * BAD_USER_INPUT naming the field, never a PostgreSQL error.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What toISOString writes for years 1 to 9999, the instants PostgreSQL reads back as they are. */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INT8_MAX = 2n ** 63n - 1n;

function invalid(field: string): never {
  throw new BadUserInputError(field, 'not a valid cursor');
}

function instantOf(value: CursorValue | undefined, field: string): Date {
  const date = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  // The round trip refuses what Date would roll over (2022-02-30 is 2 March).
  if (!date || Number.isNaN(date.getTime()) || date.toISOString() !== value) invalid(field);
  return date;
}

function uuidOf(value: CursorValue | undefined, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) invalid(field);
  return value;
}

/** Reads a sequence number written as a decimal string: within PostgreSQL's bigint. */
export function seqPosition(value: CursorValue | undefined, field = 'after'): bigint {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value) || BigInt(value) > INT8_MAX) invalid(field);
  return BigInt(value);
}

/** Reads a cursor position written as [ISO timestamp, id]. */
export function dateIdPosition(position: CursorValue[], field = 'after'): { date: Date; id: string } {
  if (position.length !== 2) invalid(field);
  return { date: instantOf(position[0], field), id: uuidOf(position[1], field) };
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

/** Reads a cursor position written as [ISO date, ISO timestamp, id] (the date as a UTC midnight's instant). */
export function dateTimeIdPosition(position: CursorValue[], field = 'after'): { date: Date; time: Date; id: string } {
  if (position.length !== 3) invalid(field);
  const date = instantOf(position[0], field);
  if (date.getTime() % 86_400_000 !== 0) invalid(field);
  return { date, time: instantOf(position[1], field), id: uuidOf(position[2], field) };
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
