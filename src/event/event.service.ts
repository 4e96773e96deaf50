import type { CursorCodec } from '../common/cursor';
import { BadUserInputError } from '../common/errors';
import { beforeDateId, dateIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import type { Event, EventCountry, Prisma, PrismaClient } from '../generated/prisma/client';
import type { EventFilter } from './event.filter';
import { EVENT_COLUMNS } from './event.sql';
import type { SqlReader } from '../db/sql';

const LIST = 'events';

/** Reads of events, most recent first. An event belongs to every country involved in it. */
export class EventService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
    private readonly sql: SqlReader,
  ) {}

  byIds(ids: readonly string[]): Promise<Event[]> {
    return this.sql.rows<Event>(`SELECT ${EVENT_COLUMNS} FROM event e WHERE e.id = ANY($1::uuid[])`, [ids], { prepare: true });
  }

  countriesOf(eventIds: readonly string[]): Promise<EventCountry[]> {
    return this.prisma.eventCountry.findMany({ where: { eventId: { in: [...eventIds] } }, orderBy: { countryCode: 'asc' } });
  }

  async list(filter: EventFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Event>> {
    const size = pageSize(first, this.limits);
    const where = this.filterWhere(filter ?? {});
    const cursorWhere = after ? beforeDateId('occurredOn', dateIdPosition(this.cursors.decode(after, LIST))) : {};
    const rows = await this.prisma.event.findMany({
      where: { AND: [where, cursorWhere] },
      orderBy: [{ occurredOn: 'desc' }, { id: 'desc' }],
      take: size + 1,
    });
    return toPage(rows, size, Boolean(after), (row) => this.cursorOf(row), () => this.prisma.event.count({ where }));
  }

  /** One page of events for each country, in one statement. */
  async byCountries(codes: readonly string[], first: number | null | undefined, after: string | null | undefined): Promise<Map<string, Page<Event>>> {
    const size = pageSize(first, this.limits);
    const position = after ? dateIdPosition(this.cursors.decode(after, LIST)) : null;
    const rows = await this.prisma.$queryRawUnsafe<Array<Event & { parent: string }>>(
      `SELECT * FROM (
         SELECT ${EVENT_COLUMNS}, ec.country_code AS parent,
                row_number() OVER (PARTITION BY ec.country_code ORDER BY e.occurred_on DESC, e.id DESC) AS rn
         FROM event_country ec JOIN event e ON e.id = ec.event_id
         WHERE ec.country_code = ANY($1::varchar[]) AND e.retracted_at IS NULL
           AND ($2::date IS NULL OR (e.occurred_on, e.id) < ($2::date, $3::uuid))
       ) ranked
       WHERE rn <= $4
       ORDER BY parent, rn`,
      [...codes],
      position?.date ?? null,
      position?.id ?? null,
      size + 1,
    );
    return pagesPerParent(codes, rows, (row) => row.parent, size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const groups = await this.prisma.eventCountry.groupBy({
        by: ['countryCode'],
        where: { countryCode: { in: [...codes] }, event: { retractedAt: null } },
        _count: { _all: true },
      });
      return new Map(groups.map((group) => [group.countryCode, group._count._all]));
    });
  }

  private cursorOf(row: Event): string {
    return this.cursors.encode(LIST, [row.occurredOn.toISOString(), row.id]);
  }

  private filterWhere(filter: EventFilter): Prisma.EventWhereInput {
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    if (filter.from && filter.to && filter.from > filter.to) throw new BadUserInputError('filter.to', 'must not be before filter.from');
    const occurredOn = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) };
    return {
      retractedAt: null,
      ...(filter.countryCodes ? { countries: { some: { countryCode: { in: filter.countryCodes } } } } : {}),
      ...(filter.kinds ? { kind: { in: filter.kinds } } : {}),
      ...(filter.from || filter.to ? { occurredOn } : {}),
    };
  }
}
