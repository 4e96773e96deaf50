import type { CursorCodec } from '../common/cursor';
import { BadUserInputError } from '../common/errors';
import { pageSize, toPage, type Connection, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import type { FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import type { FeedFilter } from './feed.filter';
import type { FeedEdgeValue } from './feed.type';

const LIST = 'feed';

/** Reads of the feed. Its cursor is the entry's sequence number, in one space for the query and the subscription. */
export class FeedService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  /** Newest first; `after` continues towards older entries. */
  async list(filter: FeedFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<FeedEdgeValue>> {
    const size = pageSize(first, this.limits);
    const where = this.where(filter);
    const before = after ? this.seqOf(after) : null;
    const rows = await this.prisma.feedEntry.findMany({
      where: before === null ? where : { AND: [where, { seq: { lt: before } }] },
      orderBy: { seq: 'desc' },
      take: size + 1,
    });
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
