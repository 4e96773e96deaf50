import type { CursorCodec } from '../common/cursor';
import type { PolicyCategory } from '../common/enums';
import { beforeDateTimeId, dateTimeIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { formatIsoDate } from '../common/dates';
import type { SqlReader } from '../db/sql';
import type { Policy, Prisma, PrismaClient } from '../generated/prisma/client';
import type { PolicyFilter } from './policy.filter';
import { POLICY_COLUMNS, policyColumns } from './policy.sql';

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
    private readonly sql: SqlReader,
  ) {}

  byIds(ids: readonly string[]): Promise<Policy[]> {
    return this.sql.rows<Policy>(`SELECT ${POLICY_COLUMNS} FROM policy p WHERE p.id = ANY($1::uuid[])`, [ids], { prepare: true });
  }

  /**
   * Versions in force on `date` for each of `codes`, ordered by country and category, in one
   * statement. Each (country, nationality, category) has one open version (effective_to null),
   * found through its partial unique index; when it starts on or before `date` it is the one in
   * force. Otherwise (a date in the past, or a change dated in the future) the version in force
   * is the latest one that started on or before `date`, if it had not ended by then: versions
   * of one policy never overlap. `fields` (from policyFieldsFor) limits the columns read to
   * those a query selects; the rows then have only those fields.
   */
  inForce(codes: readonly string[], date: Date, scope: PolicyScope, fields: string | null = null): Promise<Policy[]> {
    this.catalog.assertKnown(scope.nationality, 'nationality');
    const columns = policyColumns(fields);
    return this.sql.rows<Policy>(
      `WITH open AS (
         SELECT ${columns} FROM policy p
         WHERE p.country_code = ANY($1::varchar[]) AND p.nationality = $2 AND p.effective_to IS NULL AND p.retracted_at IS NULL
           AND ($4::"PolicyCategory" IS NULL OR p.category = $4::"PolicyCategory")
       )
       SELECT * FROM (
         SELECT * FROM open WHERE "effectiveFrom" <= $3::date
         UNION ALL
         SELECT earlier.* FROM open
         CROSS JOIN LATERAL (
           SELECT ${columns} FROM policy p
           WHERE p.country_code = open."countryCode" AND p.nationality = open.nationality AND p.category = open.category
             AND p.retracted_at IS NULL AND p.effective_from <= $3::date
           ORDER BY p.effective_from DESC, p.recorded_at DESC, p.id DESC
           LIMIT 1
         ) earlier
         WHERE open."effectiveFrom" > $3::date AND (earlier."effectiveTo" IS NULL OR earlier."effectiveTo" > $3::date)
       ) found
       ORDER BY "countryCode", category`,
      [codes, scope.nationality, formatIsoDate(date), scope.category ?? null],
      { prepare: true },
    );
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
    this.catalog.assertKnown(scope.nationality, 'nationality');
    // On a first page the window also counts each country's versions, so totalCount costs no statement.
    const rows = await this.sql.rows<Policy & { rn: bigint; total: bigint }>(
      `SELECT * FROM (
         SELECT ${POLICY_COLUMNS},
                row_number() OVER (PARTITION BY p.country_code ORDER BY p.effective_from DESC, p.recorded_at DESC, p.id DESC) AS rn,
                count(*) OVER (PARTITION BY p.country_code) AS total
         FROM policy p
         WHERE p.country_code = ANY($1::varchar[]) AND p.nationality = $2 AND p.retracted_at IS NULL
           AND ($3::"PolicyCategory" IS NULL OR p.category = $3::"PolicyCategory")
           AND ($4::date IS NULL OR (p.effective_from, p.recorded_at, p.id) < ($4::date, $5::timestamptz, $6::uuid))
       ) ranked
       WHERE rn <= $7
       ORDER BY "countryCode", rn`,
      [codes, scope.nationality, scope.category ?? null, position ? formatIsoDate(position.date) : null, position?.time ?? null, position?.id ?? null, size + 1],
      { prepare: true },
    );
    const totals = new Map(rows.map((row) => [row.countryCode, Number(row.total)]));
    return pagesPerParent(
      codes,
      rows.map(stripRank),
      (row) => row.countryCode,
      size,
      Boolean(after),
      (row) => this.cursorOf(HISTORY, row),
      async () => (position ? this.countByCountry(codes, scope) : new Map(codes.map((code) => [code, totals.get(code) ?? 0]))),
    );
  }

  private async countByCountry(codes: readonly string[], scope: PolicyScope): Promise<Map<string, number>> {
    const groups = await this.sql.rows<{ countryCode: string; count: bigint }>(
      `SELECT country_code AS "countryCode", count(*) AS count FROM policy
       WHERE country_code = ANY($1::varchar[]) AND nationality = $2 AND retracted_at IS NULL
         AND ($3::"PolicyCategory" IS NULL OR category = $3::"PolicyCategory")
       GROUP BY country_code`,
      [codes, scope.nationality, scope.category ?? null],
      { prepare: true },
    );
    return new Map(groups.map((group) => [group.countryCode, Number(group.count)]));
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

function stripRank(row: Policy & { rn?: unknown; total?: unknown }): Policy {
  const { rn: _rn, total: _total, ...policy } = row;
  return policy;
}
