import type { CursorCodec } from '../common/cursor';
import { contains, dayRange } from '../common/filters';
import { beforeDateId, dateIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import type { Prisma, PrismaClient, Statement } from '../generated/prisma/client';
import type { StatementFilter } from './statement.filter';
import { STATEMENT_COLUMNS } from './statement.sql';
import type { SqlReader } from '../db/sql';

const LIST = 'statements';

/** Reads of statements, newest first. */
export class StatementService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
    private readonly sql: SqlReader,
  ) {}

  byIds(ids: readonly string[]): Promise<Statement[]> {
    return this.sql.rows<Statement>(`SELECT ${STATEMENT_COLUMNS} FROM statement s WHERE s.id = ANY($1::uuid[])`, [ids], { prepare: true });
  }

  async list(filter: StatementFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Statement>> {
    const size = pageSize(first, this.limits);
    const where = this.filterWhere(filter ?? {});
    const cursorWhere = after ? beforeDateId('saidAt', dateIdPosition(this.cursors.decode(after, LIST))) : {};
    const rows = await this.prisma.statement.findMany({
      where: { AND: [where, cursorWhere] },
      orderBy: [{ saidAt: 'desc' }, { id: 'desc' }],
      take: size + 1,
    });
    return toPage(rows, size, Boolean(after), (row) => this.cursorOf(row), () => this.prisma.statement.count({ where }));
  }

  /** One page of each country's statements, in one statement. */
  async byCountries(codes: readonly string[], first: number | null | undefined, after: string | null | undefined): Promise<Map<string, Page<Statement>>> {
    const size = pageSize(first, this.limits);
    const position = after ? dateIdPosition(this.cursors.decode(after, LIST)) : null;
    const rows = await this.prisma.$queryRawUnsafe<Statement[]>(
      `SELECT * FROM (
         SELECT ${STATEMENT_COLUMNS},
                row_number() OVER (PARTITION BY s.country_code ORDER BY s.said_at DESC, s.id DESC) AS rn
         FROM statement s
         WHERE s.country_code = ANY($1::varchar[]) AND s.retracted_at IS NULL
           AND ($2::timestamptz IS NULL OR (s.said_at, s.id) < ($2::timestamptz, $3::uuid))
       ) ranked
       WHERE rn <= $4
       ORDER BY "countryCode", rn`,
      [...codes],
      position?.date ?? null,
      position?.id ?? null,
      size + 1,
    );
    return pagesPerParent(codes, rows, (row) => row.countryCode ?? '', size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const groups = await this.prisma.statement.groupBy({
        by: ['countryCode'],
        where: { countryCode: { in: [...codes] }, retractedAt: null },
        _count: { _all: true },
      });
      return new Map(groups.map((group) => [group.countryCode ?? '', group._count._all]));
    });
  }

  /** Ids of the policies each statement is about. */
  async policyIdsFor(statementIds: readonly string[]): Promise<Array<{ statementId: string; policyId: string }>> {
    return this.prisma.statementPolicy.findMany({ where: { statementId: { in: [...statementIds] } } });
  }

  private cursorOf(row: Statement): string {
    return this.cursors.encode(LIST, [row.saidAt.toISOString(), row.id]);
  }

  private filterWhere(filter: StatementFilter): Prisma.StatementWhereInput {
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    const search = contains(filter.search);
    const speaker = contains(filter.speaker);
    const saidAt = dayRange(filter.from, filter.to);
    return {
      retractedAt: null,
      ...(filter.countryCodes ? { countryCode: { in: filter.countryCodes } } : {}),
      ...(speaker ? { speaker } : {}),
      ...(saidAt ? { saidAt } : {}),
      ...(search ? { OR: [{ text: search }, { speaker: search }, { speakerRole: search }] } : {}),
    };
  }
}
