import type { CursorCodec } from '../common/cursor';
import { formatIsoDate } from '../common/dates';
import { BadUserInputError } from '../common/errors';
import { boundedLists } from '../common/filter-lists';
import { dateIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { withoutRank, type Conditions, type Sql } from '../db/sql';
import type { EventRow as Event } from '../generated/model';
import type { EventCountry } from '../generated/prisma/client';
import { NO_SOURCES, pageRows, withSources, type ReadOptions, type Sourced } from '../source/source.sql';
import { EVENT_FILTER_LISTS, type EventFilter } from './event.filter';
import { AFTER_POSITION, COUNTRY_EVENT_COUNTS, countryEventsSql, EVENT_COUNTRIES, eventCountSql, eventFilterConditions, eventPageSql, EVENTS_BY_IDS } from './event.sql';

const LIST = 'events';

/** Reads of events, most recent first. An event belongs to every country involved in it. A page is one statement, with sources when asked. */
export class EventService {
  constructor(
    private readonly sql: Sql,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  byIds(ids: readonly string[]): Promise<Event[]> {
    return this.sql.rows(EVENTS_BY_IDS, [ids]);
  }

  countriesOf(eventIds: readonly string[]): Promise<EventCountry[]> {
    return this.sql.rows(EVENT_COUNTRIES, [eventIds]);
  }

  async list(
    filter: EventFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    options: ReadOptions = NO_SOURCES,
  ): Promise<Page<Sourced<Event>>> {
    const size = pageSize(first, this.limits);
    const matching = this.conditions(filter ?? {});
    const page = matching.clone();
    if (after) {
      const { date, id } = dateIdPosition(this.cursors.decode(after, LIST));
      page.add(AFTER_POSITION, formatIsoDate(date), id);
    }
    const limit = page.param(size + 1);
    const rows = await pageRows<Event & { sources?: unknown }>(this.sql, (sources) => eventPageSql(page.where, limit, sources), page.values, options.sources);
    return toPage(rows.map(withSources), size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const row = await this.sql.one<{ n: number }>(eventCountSql(matching.where), matching.values);
      return row?.n ?? 0;
    });
  }

  /** One page of events for each country, in one statement. */
  async byCountries(
    codes: readonly string[],
    first: number | null | undefined,
    after: string | null | undefined,
    options: ReadOptions = NO_SOURCES,
  ): Promise<Map<string, Page<Sourced<Event>>>> {
    const size = pageSize(first, this.limits);
    const position = after ? dateIdPosition(this.cursors.decode(after, LIST)) : null;
    const rows = await pageRows<Event & { parent: string; rn?: unknown; sources?: unknown }>(
      this.sql,
      countryEventsSql,
      [codes, position ? formatIsoDate(position.date) : null, position?.id ?? null, size + 1],
      options.sources,
    );
    // An event involving several of these countries comes once per country, each row naming its parent.
    return pagesPerParent(
      codes,
      rows.map((row) => withSources(withoutRank(row))),
      (row) => row.parent,
      size,
      Boolean(after),
      (row) => this.cursorOf(row),
      async () => {
        const counts = await this.sql.rows<{ code: string; n: number }>(COUNTRY_EVENT_COUNTS, [codes]);
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
    return eventFilterConditions(filter);
  }
}
