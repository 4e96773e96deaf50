import type { CursorCodec } from '../common/cursor';
import { formatIsoDate } from '../common/dates';
import type { PolicyCategory } from '../common/enums';
import { dateTimeIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { Conditions, withoutRank, type Sql } from '../db/sql';
import type { Policy } from '../generated/prisma/client';
import type { PolicyFilter } from './policy.filter';
import { POLICY_COLUMNS } from './policy.sql';

const LIST = 'policies';
const HISTORY = 'policyHistory';
const ORDER = 'p.effective_from DESC, p.recorded_at DESC, p.id DESC';
const IN_FORCE = (date: string) => `p.effective_from <= ${date}::date AND (p.effective_to IS NULL OR p.effective_to > ${date}::date)`;

export interface PolicyScope {
  category?: PolicyCategory | null;
  nationality: string;
}

/** Reads of policy versions. Every method answers for many countries in one statement. */
export class PolicyService {
  constructor(
    private readonly sql: Sql,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  byIds(ids: readonly string[]): Promise<Policy[]> {
    return this.sql.rows(`SELECT ${POLICY_COLUMNS} FROM policy p WHERE p.id = ANY($1::uuid[])`, [ids]);
  }

  /** Versions in force on `date` for each of `codes`, ordered by category. */
  inForce(codes: readonly string[], date: Date, scope: PolicyScope): Promise<Policy[]> {
    this.checkScope(scope);
    return this.sql.rows(
      `SELECT ${POLICY_COLUMNS} FROM policy p
       WHERE p.country_code = ANY($1::varchar[]) AND p.nationality = $2 AND p.retracted_at IS NULL
         AND ($3::"PolicyCategory" IS NULL OR p.category = $3::"PolicyCategory") AND ${IN_FORCE('$4')}
       ORDER BY p.country_code, p.category`,
      [codes, scope.nationality, scope.category ?? null, formatIsoDate(date)],
    );
  }

  /** Country codes with a version in force on `date` (of `status`, when given), for the countries filter. */
  async countryCodesInForce(date: Date, scope: PolicyScope, status: Policy['status'] | null): Promise<Set<string>> {
    this.checkScope(scope);
    const rows = await this.sql.rows<{ code: string }>(
      `SELECT DISTINCT p.country_code AS code FROM policy p
       WHERE p.nationality = $1 AND p.retracted_at IS NULL
         AND ($2::"PolicyCategory" IS NULL OR p.category = $2::"PolicyCategory")
         AND ($3::"PolicyStatus" IS NULL OR p.status = $3::"PolicyStatus") AND ${IN_FORCE('$4')}`,
      [scope.nationality, scope.category ?? null, status, formatIsoDate(date)],
    );
    return new Set(rows.map((row) => row.code));
  }

  async list(filter: PolicyFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Policy>> {
    const size = pageSize(first, this.limits);
    const matching = this.conditions(filter ?? {});
    const page = matching.clone();
    if (after) {
      const { date, time, id } = dateTimeIdPosition(this.cursors.decode(after, LIST));
      page.add('(p.effective_from, p.recorded_at, p.id) < (?::date, ?::timestamptz, ?::uuid)', formatIsoDate(date), time.toISOString(), id);
    }
    const rows = await this.sql.rows<Policy>(
      `SELECT ${POLICY_COLUMNS} FROM policy p ${page.where} ORDER BY ${ORDER} LIMIT ${page.param(size + 1)}`,
      page.values,
    );
    return toPage(rows, size, Boolean(after), (row) => this.cursorOf(LIST, row), async () => {
      const row = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM policy p ${matching.where}`, matching.values);
      return row?.n ?? 0;
    });
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
    this.checkScope(scope);
    const size = pageSize(first, this.limits);
    const position = after ? dateTimeIdPosition(this.cursors.decode(after, HISTORY)) : null;
    const rows = await this.sql.rows<Policy & { rn?: unknown }>(
      `SELECT * FROM (
         SELECT ${POLICY_COLUMNS}, row_number() OVER (PARTITION BY p.country_code ORDER BY ${ORDER}) AS rn
         FROM policy p
         WHERE p.country_code = ANY($1::varchar[]) AND p.nationality = $2 AND p.retracted_at IS NULL
           AND ($3::"PolicyCategory" IS NULL OR p.category = $3::"PolicyCategory")
           AND ($4::date IS NULL OR (p.effective_from, p.recorded_at, p.id) < ($4::date, $5::timestamptz, $6::uuid))
       ) ranked
       WHERE rn <= $7
       ORDER BY "countryCode", rn`,
      [codes, scope.nationality, scope.category ?? null, position ? formatIsoDate(position.date) : null, position?.time.toISOString() ?? null, position?.id ?? null, size + 1],
    );
    return pagesPerParent(
      codes,
      rows.map(withoutRank),
      (row) => row.countryCode,
      size,
      Boolean(after),
      (row) => this.cursorOf(HISTORY, row),
      () => this.countByCountry(codes, scope),
    );
  }

  private async countByCountry(codes: readonly string[], scope: PolicyScope): Promise<Map<string, number>> {
    const rows = await this.sql.rows<{ code: string; n: number }>(
      `SELECT p.country_code AS code, count(*)::int AS n FROM policy p
       WHERE p.country_code = ANY($1::varchar[]) AND p.nationality = $2 AND p.retracted_at IS NULL
         AND ($3::"PolicyCategory" IS NULL OR p.category = $3::"PolicyCategory")
       GROUP BY p.country_code`,
      [codes, scope.nationality, scope.category ?? null],
    );
    return new Map(rows.map((row) => [row.code, row.n]));
  }

  private cursorOf(list: string, row: Policy): string {
    // recordedAt orders versions that take effect the same day (a correction after the version it corrects).
    return this.cursors.encode(list, [row.effectiveFrom.toISOString(), row.recordedAt.toISOString(), row.id]);
  }

  private checkScope(scope: PolicyScope): void {
    this.catalog.assertKnown(scope.nationality, 'nationality');
  }

  private conditions(filter: PolicyFilter): Conditions {
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    if (filter.nationality) this.catalog.assertKnown(filter.nationality, 'filter.nationality');
    const where = new Conditions().add('p.retracted_at IS NULL');
    if (filter.countryCodes) where.add('p.country_code = ANY(?::varchar[])', filter.countryCodes);
    if (filter.nationality) where.add('p.nationality = ?', filter.nationality);
    if (filter.categories) where.add('p.category = ANY(?::"PolicyCategory"[])', filter.categories);
    if (filter.statuses) where.add('p.status = ANY(?::"PolicyStatus"[])', filter.statuses);
    if (filter.inForceOn) {
      const day = formatIsoDate(filter.inForceOn);
      where.add('p.effective_from <= ?::date AND (p.effective_to IS NULL OR p.effective_to > ?::date)', day, day);
    }
    return where;
  }
}
