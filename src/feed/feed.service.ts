import type { CursorCodec } from '../common/cursor';
import { BadUserInputError } from '../common/errors';
import { boundedLists } from '../common/filter-lists';
import { seqPosition } from '../common/keyset';
import { pageSize, toPage, type Connection, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { pickPrefixed, selectList } from '../db/columns';
import { Conditions, type Sql } from '../db/sql';
import { EVENT_FIELDS } from '../event/event.sql';
import { POLICY_FIELDS } from '../policy/policy.sql';
import { STATEMENT_FIELDS } from '../statement/statement.sql';
import type { FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { FEED_FILTER_LISTS, type FeedFilter } from './feed.filter';
import { FEED_FIELDS } from './feed.sql';
import type { FeedEdgeValue, FeedRecords } from './feed.type';

const LIST = 'feed';

/** A page of entries with the records they are about, joined: one statement instead of one per kind. */
const PAGE_SELECT = `SELECT ${selectList(FEED_FIELDS, 'f')}, ${selectList(POLICY_FIELDS, 'p', 'p_')},
  ${selectList(POLICY_FIELDS, 'pp', 'pp_')}, ${selectList(STATEMENT_FIELDS, 's', 's_')}, ${selectList(EVENT_FIELDS, 'e', 'e_')}`;
const PAGE_JOINS = `LEFT JOIN policy p ON p.id = f.policy_id LEFT JOIN policy pp ON pp.id = f.previous_policy_id
  LEFT JOIN statement s ON s.id = f.statement_id LEFT JOIN event e ON e.id = f.event_id`;

/** Reads of the feed. Its cursor is the entry's sequence number, in one space for the query and the subscription. */
export class FeedService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: Sql,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  /** Newest first; `after` continues towards older entries. */
  async list(filter: FeedFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<FeedEdgeValue>> {
    const size = pageSize(first, this.limits);
    const matching = this.conditions(filter);
    const page = matching.clone();
    if (after) page.add('f.seq < ?::bigint', this.seqOf(after).toString());
    const rows = await this.sql.rows<Record<string, unknown>>(
      `${PAGE_SELECT} FROM (SELECT * FROM feed_entry f ${page.where} ORDER BY f.seq DESC LIMIT ${page.param(size + 1)}) f
       ${PAGE_JOINS} ORDER BY f.seq DESC`,
      page.values,
    );
    const result = toPage(rows, size, Boolean(after), (row) => this.cursorOf(row.seq as bigint), async () => {
      const row = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM feed_entry f ${matching.where}`, matching.values);
      return row?.n ?? 0;
    });
    return { ...result, edges: result.edges.map(({ node }) => ({ ...this.edge(pickPrefixed<FeedEntry>(node, FEED_FIELDS, '', 'seq')!), records: recordsOf(node) })) };
  }

  /** Matching entries with after < seq <= upTo, oldest first, at most `limit`. */
  range(after: bigint, upTo: bigint, where: Prisma.FeedEntryWhereInput, limit: number): Promise<FeedEntry[]> {
    return this.prisma.feedEntry.findMany({
      where: { AND: [where, { seq: { gt: after, lte: upTo } }] },
      orderBy: { seq: 'asc' },
      take: limit,
    });
  }

  async latestSeq(): Promise<bigint> {
    const counter = await this.prisma.feedCounter.findUniqueOrThrow({ where: { id: 1 } });
    return counter.value;
  }

  edge(entry: FeedEntry): FeedEdgeValue {
    return { cursor: this.cursorOf(entry.seq), kind: entry.kind, committedAt: entry.committedAt, entry };
  }

  cursorOf(seq: bigint): string {
    return this.cursors.encode(LIST, [seq.toString()]);
  }

  seqOf(cursor: string, field = 'after'): bigint {
    const [seq, ...rest] = this.cursors.decode(cursor, LIST, field);
    if (rest.length > 0) throw new BadUserInputError(field, 'not a valid cursor');
    return seqPosition(seq, field);
  }

  /** Checks a filter once, before it is used on many entries: the filter to use (its lists bounded, without repeats). */
  validate(given: FeedFilter | null | undefined): FeedFilter | null | undefined {
    const filter = given ? boundedLists(given, FEED_FILTER_LISTS) : given;
    if (filter?.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    // An empty string is a malformed code, not an absent one.
    if (filter?.nationality != null) this.catalog.assertKnown(filter.nationality, 'filter.nationality');
    return filter;
  }

  /** The same test as `where`, for entries already in memory (live delivery). */
  matches(entry: FeedEntry, filter: FeedFilter | null | undefined): boolean {
    if (!filter) return true;
    if (filter.kinds && !filter.kinds.includes(entry.kind)) return false;
    if (filter.nationality && entry.nationality !== null && entry.nationality !== filter.nationality) return false;
    if (filter.countryCodes && !entry.countryCodes.some((code) => filter.countryCodes!.includes(code))) return false;
    return true;
  }

  /** The filter in SQL, for pages of the feed. */
  private conditions(given: FeedFilter | null | undefined): Conditions {
    const filter = this.validate(given);
    const where = new Conditions();
    if (filter?.kinds) where.add('f.kind = ANY(?::"FeedKind"[])', filter.kinds);
    if (filter?.nationality) where.add('(f.nationality = ? OR f.nationality IS NULL)', filter.nationality);
    if (filter?.countryCodes) where.add('f.country_codes && ?::varchar[]', filter.countryCodes);
    return where;
  }

  /** The same filter for Prisma, for replays; give it a filter `validate` returned. */
  where(filter: FeedFilter | null | undefined): Prisma.FeedEntryWhereInput {
    if (!filter) return {};
    return {
      ...(filter.kinds ? { kind: { in: filter.kinds } } : {}),
      ...(filter.nationality ? { OR: [{ nationality: filter.nationality }, { nationality: null }] } : {}),
      ...(filter.countryCodes ? { countryCodes: { hasSome: filter.countryCodes } } : {}),
    };
  }
}

function recordsOf(row: Record<string, unknown>): FeedRecords {
  return {
    policy: pickPrefixed(row, POLICY_FIELDS, 'p_'),
    previous: pickPrefixed(row, POLICY_FIELDS, 'pp_'),
    statement: pickPrefixed(row, STATEMENT_FIELDS, 's_'),
    event: pickPrefixed(row, EVENT_FIELDS, 'e_'),
  };
}
