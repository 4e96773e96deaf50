import type { CursorCodec } from '../common/cursor';
import type { PolicyCategory } from '../common/enums';
import { beforeDateTimeId, dateTimeIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import type { Policy, Prisma, PrismaClient } from '../generated/prisma/client';
import type { PolicyFilter } from './policy.filter';
import { POLICY_COLUMNS } from './policy.sql';

const LIST = 'policies';
const HISTORY = 'policyHistory';

export interface PolicyScope {
  category?: PolicyCategory | null;
  nationality: string;
}

/** Reads of policy versions. Every method answers for many countries in one statement. */
export class PolicyService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  byIds(ids: readonly string[]): Promise<Policy[]> {
    return this.prisma.policy.findMany({ where: { id: { in: [...ids] } } });
  }

  /** Versions in force on `date` for each of `codes`, ordered by category. */
  inForce(codes: readonly string[], date: Date, scope: PolicyScope): Promise<Policy[]> {
    return this.prisma.policy.findMany({
      where: { countryCode: { in: [...codes] }, ...this.scopeWhere(scope), ...inForceWhere(date) },
      orderBy: [{ countryCode: 'asc' }, { category: 'asc' }],
    });
  }

  /** Country codes with a version in force on `date` (of `status`, when given), for the countries filter. */
  async countryCodesInForce(date: Date, scope: PolicyScope, status: Policy['status'] | null): Promise<Set<string>> {
    const rows = await this.prisma.policy.findMany({
      where: { ...(status ? { status } : {}), ...this.scopeWhere(scope), ...inForceWhere(date) },
      select: { countryCode: true },
      distinct: ['countryCode'],
    });
    return new Set(rows.map((row) => row.countryCode));
  }

  async list(filter: PolicyFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Policy>> {
    const size = pageSize(first, this.limits);
    const where = this.filterWhere(filter ?? {});
    const cursorWhere = after ? beforeDateTimeId('effectiveFrom', 'recordedAt', dateTimeIdPosition(this.cursors.decode(after, LIST))) : {};
    const rows = await this.prisma.policy.findMany({
      where: { AND: [where, cursorWhere] },
      orderBy: [{ effectiveFrom: 'desc' }, { recordedAt: 'desc' }, { id: 'desc' }],
      take: size + 1,
    });
    return toPage(rows, size, Boolean(after), (row) => this.cursorOf(LIST, row), () => this.prisma.policy.count({ where }));
  }

  /**
   * One page of version history for each of `codes`, newest first, in one
   * statement: a window function numbers each country's versions.
   */
  async history(
    codes: readonly string[],
    scope: PolicyScope,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Map<string, Page<Policy>>> {
    const size = pageSize(first, this.limits);
    const position = after ? dateTimeIdPosition(this.cursors.decode(after, HISTORY)) : null;
    const rows = await this.prisma.$queryRawUnsafe<Array<Policy & { total: bigint }>>(
      `SELECT * FROM (
         SELECT ${POLICY_COLUMNS},
                row_number() OVER (PARTITION BY p.country_code ORDER BY p.effective_from DESC, p.recorded_at DESC, p.id DESC) AS rn
         FROM policy p
         WHERE p.country_code = ANY($1::varchar[]) AND p.nationality = $2 AND p.retracted_at IS NULL
           AND ($3::"PolicyCategory" IS NULL OR p.category = $3::"PolicyCategory")
           AND ($4::date IS NULL OR (p.effective_from, p.recorded_at, p.id) < ($4::date, $5::timestamptz, $6::uuid))
       ) ranked
       WHERE rn <= $7
       ORDER BY "countryCode", rn`,
      [...codes],
      scope.nationality,
      scope.category ?? null,
      position?.date ?? null,
      position?.time ?? null,
      position?.id ?? null,
      size + 1,
    );
    return pagesPerParent(
      codes,
      rows.map(stripRank),
      (row) => row.countryCode,
      size,
      Boolean(after),
      (row) => this.cursorOf(HISTORY, row),
      () => this.countByCountry(codes, scope),
    );
  }

  private async countByCountry(codes: readonly string[], scope: PolicyScope): Promise<Map<string, number>> {
    const groups = await this.prisma.policy.groupBy({
      by: ['countryCode'],
      where: { countryCode: { in: [...codes] }, ...this.scopeWhere(scope) },
      _count: { _all: true },
    });
    return new Map(groups.map((group) => [group.countryCode, group._count._all]));
  }

  private cursorOf(list: string, row: Policy): string {
    // recordedAt orders versions that take effect the same day (a correction after the version it corrects).
    return this.cursors.encode(list, [row.effectiveFrom.toISOString(), row.recordedAt.toISOString(), row.id]);
  }

  private scopeWhere(scope: PolicyScope): Prisma.PolicyWhereInput {
    this.catalog.assertKnown(scope.nationality, 'nationality');
    return { nationality: scope.nationality, retractedAt: null, ...(scope.category ? { category: scope.category } : {}) };
  }

  private filterWhere(filter: PolicyFilter): Prisma.PolicyWhereInput {
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    if (filter.nationality) this.catalog.assertKnown(filter.nationality, 'filter.nationality');
    return {
      retractedAt: null,
      ...(filter.countryCodes ? { countryCode: { in: filter.countryCodes } } : {}),
      ...(filter.nationality ? { nationality: filter.nationality } : {}),
      ...(filter.categories ? { category: { in: filter.categories } } : {}),
      ...(filter.statuses ? { status: { in: filter.statuses } } : {}),
      ...(filter.inForceOn ? inForceWhere(filter.inForceOn) : {}),
    };
  }
}

/** effectiveFrom <= date < effectiveTo (an open end means still in force). */
export function inForceWhere(date: Date): Prisma.PolicyWhereInput {
  return { effectiveFrom: { lte: date }, OR: [{ effectiveTo: null }, { effectiveTo: { gt: date } }] };
}

function stripRank(row: Policy & { rn?: unknown }): Policy {
  const { rn: _rn, ...policy } = row;
  return policy;
}
