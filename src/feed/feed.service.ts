import type { CursorCodec } from '../common/cursor';
import { BadUserInputError } from '../common/errors';
import { pageSize, toPage, type Connection, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import type { FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import type { SqlReader } from '../db/sql';
import type { FeedFilter } from './feed.filter';
import type { FeedEdgeValue } from './feed.type';

const LIST = 'feed';

/** feed_entry columns under the names the Prisma model uses. */
const FEED_COLUMNS = `seq, kind, nationality, country_codes AS "countryCodes", policy_id AS "policyId",
  previous_policy_id AS "previousPolicyId", direction, category, status, statement_id AS "statementId", event_id AS "eventId",
  retracted_type AS "retractedType", retracted_id AS "retractedId", reason, committed_at AS "committedAt"`;

/** Reads of the feed. Its cursor is the entry's sequence number, in one space for the query and the subscription. */
export class FeedService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
    private readonly sql: SqlReader,
  ) {}

  /** Newest first; `after` continues towards older entries. */
  async list(filter: FeedFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<FeedEdgeValue>> {
    const size = pageSize(first, this.limits);
    const where = this.where(filter);
    const before = after ? this.seqOf(after) : null;
    // The same conditions as `where`, in SQL: the page itself is the feed's hottest read.
    const rows = await this.sql.rows<FeedEntry>(
      `SELECT ${FEED_COLUMNS} FROM feed_entry
       WHERE ($1::"FeedKind"[] IS NULL OR kind = ANY($1::"FeedKind"[]))
         AND ($2::varchar IS NULL OR nationality = $2 OR nationality IS NULL)
         AND ($3::varchar[] IS NULL OR country_codes && $3::varchar[])
         AND ($4::bigint IS NULL OR seq < $4)
       ORDER BY seq DESC
       LIMIT $5`,
      [filter?.kinds ?? null, filter?.nationality ?? null, filter?.countryCodes ?? null, before === null ? null : before.toString(), size + 1],
      // Not prepared: planned with its actual parameters each time, so a country filter can use the GIN index.
    );
    const page = toPage(rows, size, Boolean(after), (row) => this.cursorOf(row.seq), () => this.prisma.feedEntry.count({ where }));
    return { ...page, edges: page.edges.map(({ node }) => this.edge(node)) };
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
    if (typeof seq !== 'string' || !/^\d+$/.test(seq) || rest.length > 0) throw new BadUserInputError(field, 'not a valid cursor');
    return BigInt(seq);
  }

  /** Checks a filter once, before it is used on many entries. */
  validate(filter: FeedFilter | null | undefined): void {
    if (filter?.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    if (filter?.nationality) this.catalog.assertKnown(filter.nationality, 'filter.nationality');
  }

  /** The same test as `where`, for entries already in memory (live delivery). */
  matches(entry: FeedEntry, filter: FeedFilter | null | undefined): boolean {
    if (!filter) return true;
    if (filter.kinds && !filter.kinds.includes(entry.kind)) return false;
    if (filter.nationality && entry.nationality !== null && entry.nationality !== filter.nationality) return false;
    if (filter.countryCodes && !entry.countryCodes.some((code) => filter.countryCodes!.includes(code))) return false;
    return true;
  }

  where(filter: FeedFilter | null | undefined): Prisma.FeedEntryWhereInput {
    this.validate(filter);
    if (!filter) return {};
    return {
      ...(filter.kinds ? { kind: { in: filter.kinds } } : {}),
      ...(filter.nationality ? { OR: [{ nationality: filter.nationality }, { nationality: null }] } : {}),
      ...(filter.countryCodes ? { countryCodes: { hasSome: filter.countryCodes } } : {}),
    };
  }
}
