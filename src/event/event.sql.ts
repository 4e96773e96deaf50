import { formatIsoDate } from '../common/dates';
import { columnsAt, selectList } from '../db/columns';
import { Conditions } from '../db/sql';
import { sourcesJson } from '../source/source.sql';
import type { EventFilter } from './event.filter';
import { EventCountryTable, EventTable } from '../generated/model';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const EVENT_FIELDS = EventTable.columns;

/** Event columns (table alias `e`) under the names the Prisma model uses. */
export const EVENT_COLUMNS = selectList(EVENT_FIELDS, 'e');

/** Event columns in SQL under the alias `e`, and event_country's under `ec`, by column name: `${e.occurred_on}`. */
export const e = columnsAt(EventTable, 'e');
export const ec = columnsAt(EventCountryTable, 'ec');

const ORDER = `${e.occurred_on} DESC, ${e.id} DESC`;
/** Sources of each row (`sources`, JSON: sourcesFromJson) when a page is read with them. */
const sourcesColumn = (withSources: boolean, id: string) => (withSources ? `, ${sourcesJson('event', id)} AS sources` : '');

export const EVENTS_BY_IDS = `SELECT ${EVENT_COLUMNS} FROM event e WHERE ${e.id} = ANY($1::uuid[])`;

/** The countries involved in each of the events $1, by code. */
export const EVENT_COUNTRIES = `SELECT ${ec.event_id} AS "eventId", ${ec.country_code} AS "countryCode" FROM event_country ec
   WHERE ${ec.event_id} = ANY($1::uuid[]) ORDER BY ${ec.country_code}`;

/** The (occurredOn, id) keyset condition after a cursor, with `?` placeholders (Conditions). */
export const AFTER_POSITION = `(${e.occurred_on}, ${e.id}) < (?::date, ?::uuid)`;

/** A page of events meeting `where`, most recent first, at most `limit` (a placeholder), with their sources when asked. */
export function eventPageSql(where: string, limit: string, withSources: boolean): string {
  return `SELECT ${EVENT_COLUMNS}${sourcesColumn(withSources, e.id)} FROM event e ${where} ORDER BY ${ORDER} LIMIT ${limit}`;
}

export function eventCountSql(where: string): string {
  return `SELECT count(*)::int AS n FROM event e ${where}`;
}

/**
 * One page of events for each of the countries $1 (every country involved), after ($2, $3) when not null,
 * at most $4 each; each row names its country (`parent`); with sources when asked.
 */
export function countryEventsSql(withSources: boolean): string {
  return `SELECT *${sourcesColumn(withSources, 'ranked.id')} FROM (
     SELECT ${EVENT_COLUMNS}, ${ec.country_code} AS parent,
            row_number() OVER (PARTITION BY ${ec.country_code} ORDER BY ${ORDER}) AS rn
     FROM event_country ec JOIN event e ON ${e.id} = ${ec.event_id}
     WHERE ${ec.country_code} = ANY($1::varchar[]) AND ${e.retracted_at} IS NULL
       AND ($2::date IS NULL OR (${e.occurred_on}, ${e.id}) < ($2::date, $3::uuid))
   ) ranked
   WHERE rn <= $4
   ORDER BY parent, rn`;
}

/** How many events involve each of the countries $1. */
export const COUNTRY_EVENT_COUNTS = `SELECT ${ec.country_code} AS code, count(*)::int AS n FROM event_country ec JOIN event e ON ${e.id} = ${ec.event_id}
   WHERE ${ec.country_code} = ANY($1::varchar[]) AND ${e.retracted_at} IS NULL GROUP BY ${ec.country_code}`;

/** The conditions of the events list's filter (checked by the service), on events not retracted. */
export function eventFilterConditions(filter: EventFilter): Conditions {
  const where = new Conditions().add(`${e.retracted_at} IS NULL`);
  if (filter.countryCodes) {
    where.add(`EXISTS (SELECT 1 FROM event_country ec WHERE ${ec.event_id} = ${e.id} AND ${ec.country_code} = ANY(?::varchar[]))`, filter.countryCodes);
  }
  if (filter.kinds) where.add(`${e.kind} = ANY(?::"EventKind"[])`, filter.kinds);
  if (filter.from) where.add(`${e.occurred_on} >= ?::date`, formatIsoDate(filter.from));
  if (filter.to) where.add(`${e.occurred_on} <= ?::date`, formatIsoDate(filter.to));
  return where;
}
