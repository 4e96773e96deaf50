import type { CursorCodec } from '../common/cursor';
import { BadUserInputError } from '../common/errors';
import { boundedLists } from '../common/filter-lists';
import { seqPosition } from '../common/keyset';
import { pageSize, toPage, type Connection, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import type { Sql } from '../db/sql';
import { pageRows } from '../source/source.sql';
import type { FeedEntry, PrismaClient } from '../generated/prisma/client';
import { FEED_FILTER_LISTS, type FeedFilter } from './feed.filter';
import { feedFilterConditions, toSql, type EntryCondition } from './feed-entry.conditions';
import { f, FEED_ENTRIES_WITH_RECORDS, feedCountSql, feedPageRow, feedPageSql, feedRangeSql, type FeedPageRow } from './feed.sql';
import type { FeedEdgeValue } from './feed.type';

const LIST = 'feed';

export interface FeedPageOptions {
  /** Read each record's sources in the page's statement (a selection asks for them, or a news feed shows them). */
  sources: boolean;
  /** And the replaced versions' sources (a selection asks for `previous { sources }`). */
  previousSources?: boolean;
}

/** Reads of the feed. Its cursor is the entry's sequence number, in one space for the query and the subscription. */
export class FeedService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: Sql,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  /**
   * Newest first; `after` continues towards older entries. One statement: the entries, the records they
   * are about and (with `options.sources`) those records' sources.
   */
  async list(
    filter: FeedFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    options: FeedPageOptions = { sources: true, previousSources: true },
  ): Promise<Connection<FeedEdgeValue>> {
    const size = pageSize(first, this.limits);
    const matching = toSql(feedFilterConditions(this.validate(filter)));
    const page = matching.clone();
    if (after) page.add(`${f.seq} < ?::bigint`, this.seqOf(after).toString());
    const limit = page.param(size + 1);
    const previousSources = options.previousSources ?? false;
    const rows = await pageRows<Record<string, unknown>>(
      this.sql,
      (sources) => feedPageSql(page.where, limit, sources && options.sources, sources && previousSources),
      page.values,
      options.sources || previousSources,
    );
    const result = toPage(rows.map(feedPageRow), size, Boolean(after), (row) => this.cursorOf(row.entry.seq), async () => {
      const row = await this.sql.one<{ n: number }>(feedCountSql(matching.where), matching.values);
      return row?.n ?? 0;
    });
    return { ...result, edges: result.edges.map(({ cursor, node }) => ({ ...this.edgeAt(cursor, node.entry), records: node.records })) };
  }

  /** These entries with the records they are about and their sources, in one statement, newest first. */
  withRecords(entries: readonly FeedEntry[]): Promise<FeedPageRow[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return this.sql
      .rows<Record<string, unknown>>(FEED_ENTRIES_WITH_RECORDS, [entries.map((entry) => entry.seq.toString())])
      .then((rows) => rows.map(feedPageRow));
  }

  /** Entries meeting `conditions` with after < seq <= upTo, oldest first, at most `limit`: a subscription's replay. */
  range(after: bigint, upTo: bigint, conditions: readonly EntryCondition[], limit: number): Promise<FeedEntry[]> {
    const where = toSql(conditions).add(`${f.seq} > ?::bigint AND ${f.seq} <= ?::bigint`, after.toString(), upTo.toString());
    return this.sql.rows<FeedEntry>(feedRangeSql(where.where, where.param(limit)), where.values);
  }

  async latestSeq(): Promise<bigint> {
    const counter = await this.prisma.feedCounter.findUniqueOrThrow({ where: { id: 1 } });
    return counter.value;
  }

  edge(entry: FeedEntry): FeedEdgeValue {
    return this.edgeAt(this.cursorOf(entry.seq), entry);
  }

  private edgeAt(cursor: string, entry: FeedEntry): FeedEdgeValue {
    return { cursor, kind: entry.kind, committedAt: entry.committedAt, entry };
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
}
