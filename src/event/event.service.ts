import type { CursorCodec } from '../common/cursor';
import { formatIsoDate } from '../common/dates';
import { BadUserInputError } from '../common/errors';
import { boundedLists } from '../common/filter-lists';
import { dateIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { Conditions, withoutRank, type Sql } from '../db/sql';
import type { EventRow as Event } from '../generated/model';
import type { EventCountry } from '../generated/prisma/client';
import { EVENT_FILTER_LISTS, type EventFilter } from './event.filter';
import { e, ec, EVENT_COLUMNS } from './event.sql';

const LIST = 'events';

/** Reads of events, most recent first. An event belongs to every country involved in it. */
export class EventService {
  constructor(
    private readonly sql: Sql,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  byIds(ids: readonly string[]): Promise<Event[]> {
    return this.sql.rows(`SELECT ${EVENT_COLUMNS} FROM event e WHERE ${e.id} = ANY($1::uuid[])`, [ids]);
  }

  countriesOf(eventIds: readonly string[]): Promise<EventCountry[]> {
    return this.sql.rows(
      'SELECT event_id AS "eventId", country_code AS "countryCode" FROM event_country WHERE event_id = ANY($1::uuid[]) ORDER BY country_code',
      [eventIds],
    );
  }

  async list(filter: EventFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Event>> {
    const size = pageSize(first, this.limits);
    const matching = this.conditions(filter ?? {});
    const page = matching.clone();
    if (after) {
      const { date, id } = dateIdPosition(this.cursors.decode(after, LIST));
      page.add(`(${e.occurred_on}, ${e.id}) < (?::date, ?::uuid)`, formatIsoDate(date), id);
    }
    const rows = await this.sql.rows<Event>(
      `SELECT ${EVENT_COLUMNS} FROM event e ${page.where} ORDER BY ${e.occurred_on} DESC, ${e.id} DESC LIMIT ${page.param(size + 1)}`,
      page.values,
    );
    return toPage(rows, size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const row = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM event e ${matching.where}`, matching.values);
      return row?.n ?? 0;
    });
  }

  /** One page of events for each country, in one statement. */
  async byCountries(codes: readonly string[], first: number | null | undefined, after: string | null | undefined): Promise<Map<string, Page<Event>>> {
    const size = pageSize(first, this.limits);
    const position = after ? dateIdPosition(this.cursors.decode(after, LIST)) : null;
    const rows = await this.sql.rows<Event & { parent: string; rn?: unknown }>(
      `SELECT * FROM (
         SELECT ${EVENT_COLUMNS}, ${ec.country_code} AS parent,
                row_number() OVER (PARTITION BY ${ec.country_code} ORDER BY ${e.occurred_on} DESC, ${e.id} DESC) AS rn
         FROM event_country ec JOIN event e ON ${e.id} = ${ec.event_id}
         WHERE ${ec.country_code} = ANY($1::varchar[]) AND ${e.retracted_at} IS NULL
           AND ($2::date IS NULL OR (${e.occurred_on}, ${e.id}) < ($2::date, $3::uuid))
       ) ranked
       WHERE rn <= $4
       ORDER BY parent, rn`,
      [codes, position ? formatIsoDate(position.date) : null, position?.id ?? null, size + 1],
    );
    // An event involving several of these countries comes once per country, each row naming its parent.
    return pagesPerParent(
      codes,
      rows.map(withoutRank),
      (row) => row.parent,
      size,
      Boolean(after),
      (row) => this.cursorOf(row),
      async () => {
        const counts = await this.sql.rows<{ code: string; n: number }>(
          `SELECT ${ec.country_code} AS code, count(*)::int AS n FROM event_country ec JOIN event e ON ${e.id} = ${ec.event_id}
           WHERE ${ec.country_code} = ANY($1::varchar[]) AND ${e.retracted_at} IS NULL GROUP BY ${ec.country_code}`,
          [codes],
        );
        return new Map(counts.map((row) => [row.code, row.n]));
      },
    );
  }

  private cursorOf(row: Event): string {
    return this.cursors.encode(LIST, [row.occurredOn.toISOString(), row.id]);
  }

  private conditions(given: EventFilter): Conditions {
    const filter = boundedLists(given, EVENT_FILTER_LISTS);
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    if (filter.from && filter.to && filter.from > filter.to) throw new BadUserInputError('filter.to', 'must not be before filter.from');
    const where = new Conditions().add(`${e.retracted_at} IS NULL`);
    if (filter.countryCodes) {
      where.add(`EXISTS (SELECT 1 FROM event_country ec WHERE ${ec.event_id} = ${e.id} AND ${ec.country_code} = ANY(?::varchar[]))`, filter.countryCodes);
    }
    if (filter.kinds) where.add(`${e.kind} = ANY(?::"EventKind"[])`, filter.kinds);
    if (filter.from) where.add(`${e.occurred_on} >= ?::date`, formatIsoDate(filter.from));
    if (filter.to) where.add(`${e.occurred_on} <= ?::date`, formatIsoDate(filter.to));
    return where;
  }
}
