import type { CursorCodec } from '../common/cursor';
import { BadUserInputError } from '../common/errors';
import { boundedLists } from '../common/filter-lists';
import { seqPosition } from '../common/keyset';
import { pageSize, toPage, type Connection, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { columnsAt, pickPrefixed, selectList } from '../db/columns';
import type { Sql } from '../db/sql';
import { e, EVENT_FIELDS } from '../event/event.sql';
import { PolicyTable } from '../generated/model';
import { p, POLICY_FIELDS } from '../policy/policy.sql';
import { s, STATEMENT_FIELDS } from '../statement/statement.sql';
import type { FeedEntry, PrismaClient } from '../generated/prisma/client';
import { FEED_FILTER_LISTS, type FeedFilter } from './feed.filter';
import { feedFilterConditions, toSql, type EntryCondition } from './feed-entry.conditions';
import { f, FEED_COLUMNS, FEED_FIELDS } from './feed.sql';
import type { FeedEdgeValue, FeedRecords } from './feed.type';

const LIST = 'feed';
/** The version a change replaced, joined beside the new one (`p`). */
const pp = columnsAt(PolicyTable, 'pp');

/** A page of entries with the records they are about, joined: one statement instead of one per kind. */
const PAGE_SELECT = `SELECT ${selectList(FEED_FIELDS, 'f')}, ${selectList(POLICY_FIELDS, 'p', 'p_')},
  ${selectList(POLICY_FIELDS, 'pp', 'pp_')}, ${selectList(STATEMENT_FIELDS, 's', 's_')}, ${selectList(EVENT_FIELDS, 'e', 'e_')}`;
const PAGE_JOINS = `LEFT JOIN policy p ON ${p.id} = ${f.policy_id} LEFT JOIN policy pp ON ${pp.id} = ${f.previous_policy_id}
  LEFT JOIN statement s ON ${s.id} = ${f.statement_id} LEFT JOIN event e ON ${e.id} = ${f.event_id}`;

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
    const matching = toSql(feedFilterConditions(this.validate(filter)));
    const page = matching.clone();
    if (after) page.add(`${f.seq} < ?::bigint`, this.seqOf(after).toString());
    const rows = await this.sql.rows<Record<string, unknown>>(
      `${PAGE_SELECT} FROM (SELECT * FROM feed_entry f ${page.where} ORDER BY ${f.seq} DESC LIMIT ${page.param(size + 1)}) f
       ${PAGE_JOINS} ORDER BY ${f.seq} DESC`,
      page.values,
    );
    const result = toPage(rows, size, Boolean(after), (row) => this.cursorOf(row.seq as bigint), async () => {
      const row = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM feed_entry f ${matching.where}`, matching.values);
      return row?.n ?? 0;
    });
    return { ...result, edges: result.edges.map(({ node }) => ({ ...this.edge(pickPrefixed<FeedEntry>(node, FEED_FIELDS, '', 'seq')!), records: recordsOf(node) })) };
  }

  /** Entries meeting `conditions` with after < seq <= upTo, oldest first, at most `limit`: a subscription's replay. */
  range(after: bigint, upTo: bigint, conditions: readonly EntryCondition[], limit: number): Promise<FeedEntry[]> {
    const where = toSql(conditions).add(`${f.seq} > ?::bigint AND ${f.seq} <= ?::bigint`, after.toString(), upTo.toString());
    return this.sql.rows<FeedEntry>(`SELECT ${FEED_COLUMNS} FROM feed_entry f ${where.where} ORDER BY ${f.seq} LIMIT ${where.param(limit)}`, where.values);
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
}

function recordsOf(row: Record<string, unknown>): FeedRecords {
  return {
    policy: pickPrefixed(row, POLICY_FIELDS, 'p_'),
    previous: pickPrefixed(row, POLICY_FIELDS, 'pp_'),
    statement: pickPrefixed(row, STATEMENT_FIELDS, 's_'),
    event: pickPrefixed(row, EVENT_FIELDS, 'e_'),
  };
}
