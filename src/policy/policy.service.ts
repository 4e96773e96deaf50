import type { CursorCodec } from '../common/cursor';
import { formatIsoDate } from '../common/dates';
import type { PolicyCategory, VisaRequirement } from '../common/enums';
import { boundedLists } from '../common/filter-lists';
import { dateTimeIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { Conditions, withoutRank, type Sql } from '../db/sql';
import type { PolicyRow as Policy } from '../generated/model';
import { POLICY_FILTER_LISTS, type PolicyFilter } from './policy.filter';
import { p, policyColumns, POLICY_COLUMNS } from './policy.sql';

const LIST = 'policies';
const HISTORY = 'policyHistory';
const ORDER = `${p.effective_from} DESC, ${p.recorded_at} DESC, ${p.id} DESC`;
const IN_FORCE = (date: string) => `${p.effective_from} <= ${date}::date AND (${p.effective_to} IS NULL OR ${p.effective_to} > ${date}::date)`;

/**
 * Versions in force on $3 for the countries $1 (of category $2, or all), in one statement. Each
 * (country, nationality, category) has one open version (effective_to null), found through its
 * partial unique index; when it starts on or before the date it is the one in force. Otherwise
 * (a date in the past, or a change dated in the future) the version in force is the latest one
 * that started on or before the date, if it had not ended by then: versions of one policy never
 * overlap. Scanning every version instead cost 16 ms for 250 countries with 50,000 versions,
 * this 5 ms. `nationality` narrows the open versions ($4 and on).
 */
function inForceSql(columns: string, nationality: string, order: string): string {
  return `WITH open AS (
       SELECT ${columns} FROM policy p
       WHERE ${p.country_code} = ANY($1::varchar[]) AND ${nationality} AND ${p.effective_to} IS NULL AND ${p.retracted_at} IS NULL
         AND ($2::"PolicyCategory" IS NULL OR ${p.category} = $2::"PolicyCategory")
     )
     SELECT * FROM (
       SELECT * FROM open WHERE "effectiveFrom" <= $3::date
       UNION ALL
       SELECT earlier.* FROM open
       CROSS JOIN LATERAL (
         SELECT ${columns} FROM policy p
         WHERE ${p.country_code} = open."countryCode" AND ${p.nationality} = open.nationality AND ${p.category} = open.category
           AND ${p.retracted_at} IS NULL AND ${p.effective_from} <= $3::date
         ORDER BY ${p.effective_from} DESC, ${p.recorded_at} DESC, ${p.id} DESC
         LIMIT 1
       ) earlier
       WHERE open."effectiveFrom" > $3::date AND (earlier."effectiveTo" IS NULL OR earlier."effectiveTo" > $3::date)
     ) found
     ORDER BY ${order}`;
}

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
    return this.sql.rows(`SELECT ${POLICY_COLUMNS} FROM policy p WHERE ${p.id} = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Versions in force on `date` for each of `codes` and one nationality, ordered by country and
   * category, in one statement (inForceSql). `fields` (from policyFieldsFor) limits the columns
   * read to those the query selects; the rows then have only those fields.
   */
  inForce(codes: readonly string[], date: Date, scope: PolicyScope, fields: string | null = null): Promise<Policy[]> {
    this.checkScope(scope);
    return this.sql.rows(inForceSql(policyColumns(fields), `${p.nationality} = $4`, '"countryCode", category'), [
      codes,
      scope.category ?? null,
      formatIsoDate(date),
      scope.nationality,
    ]);
  }

  /**
   * Versions in force on `date` for each of `codes`, for every nationality: who may enter these
   * countries. The same statement as inForce, ordered by country, nationality and category.
   */
  inForceForAll(codes: readonly string[], date: Date, category: PolicyCategory | null, fields: string | null = null): Promise<Policy[]> {
    return this.sql.rows(inForceSql(policyColumns(fields), 'TRUE', '"countryCode", nationality, category'), [codes, category, formatIsoDate(date)]);
  }

  /**
   * How many VISA versions of each requirement are in force on `date` for each of
   * `nationalities`, in one statement through the index on nationality. Versions of one policy
   * never overlap, so the plain in-force test counts each destination once.
   */
  visaCountsInForce(nationalities: readonly string[], date: Date): Promise<Array<{ nationality: string; visaRequirement: VisaRequirement | null; n: number }>> {
    return this.sql.rows(
      `SELECT ${p.nationality}, ${p.visa_requirement} AS "visaRequirement", count(*)::int AS n FROM policy p
       WHERE ${p.nationality} = ANY($1::varchar[]) AND ${p.category} = 'VISA' AND ${p.retracted_at} IS NULL AND ${IN_FORCE('$2')}
       GROUP BY ${p.nationality}, ${p.visa_requirement}`,
      [nationalities, formatIsoDate(date)],
    );
  }

  /**
   * How the number of `codes` under each visa requirement for `nationality` changes: per day and
   * requirement, the versions that start minus those that end (a net change of zero is left
   * out), by day. A running sum gives the counts in force; versions of one policy never overlap,
   * and a retraction gives the version before the retracted one back its end. Through the index
   * on (country_code, nationality, ...), as inForce.
   */
  visaChanges(codes: readonly string[], nationality: string): Promise<Array<{ day: Date; visaRequirement: VisaRequirement | null; delta: number }>> {
    this.catalog.assertKnown(nationality, 'nationality');
    return this.sql.rows(
      `WITH visa AS (
         SELECT ${p.effective_from}, ${p.effective_to}, ${p.visa_requirement} FROM policy p
         WHERE ${p.country_code} = ANY($1::varchar[]) AND ${p.nationality} = $2 AND ${p.category} = 'VISA' AND ${p.retracted_at} IS NULL
       )
       SELECT day, visa_requirement AS "visaRequirement", sum(delta)::int AS delta FROM (
         SELECT effective_from AS day, visa_requirement, 1 AS delta FROM visa
         UNION ALL
         SELECT effective_to, visa_requirement, -1 FROM visa WHERE effective_to IS NOT NULL
       ) changes
       GROUP BY day, visa_requirement HAVING sum(delta) <> 0
       ORDER BY day, visa_requirement`,
      [codes, nationality],
    );
  }

  /**
   * The nationalities of the versions (not retracted): a skip scan of the index on nationality,
   * one probe per nationality found (2 ms for 199 among 98,000 versions, where a scan of the
   * table took 150 ms and probing each nationality against every destination 190 ms).
   */
  async nationalities(): Promise<Set<string>> {
    const rows = await this.sql.rows<{ code: string }>(
      `WITH RECURSIVE found(code) AS (
         (SELECT ${p.nationality} FROM policy p WHERE ${p.retracted_at} IS NULL ORDER BY ${p.nationality} LIMIT 1)
         UNION ALL
         SELECT (SELECT ${p.nationality} FROM policy p WHERE ${p.nationality} > found.code AND ${p.retracted_at} IS NULL ORDER BY ${p.nationality} LIMIT 1)
         FROM found WHERE found.code IS NOT NULL
       )
       SELECT code FROM found WHERE code IS NOT NULL`,
    );
    return new Set(rows.map((row) => row.code));
  }

  /** Country codes with a version in force on `date` (of `status`, when given), for the countries filter. */
  async countryCodesInForce(date: Date, scope: PolicyScope, status: Policy['status'] | null): Promise<Set<string>> {
    this.checkScope(scope);
    const rows = await this.sql.rows<{ code: string }>(
      `SELECT DISTINCT ${p.country_code} AS code FROM policy p
       WHERE ${p.nationality} = $1 AND ${p.retracted_at} IS NULL
         AND ($2::"PolicyCategory" IS NULL OR ${p.category} = $2::"PolicyCategory")
         AND ($3::"PolicyStatus" IS NULL OR ${p.status} = $3::"PolicyStatus") AND ${IN_FORCE('$4')}`,
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
      page.add(`(${p.effective_from}, ${p.recorded_at}, ${p.id}) < (?::date, ?::timestamptz, ?::uuid)`, formatIsoDate(date), time.toISOString(), id);
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
    // On a first page the window also counts each country's versions, so totalCount costs no further statement.
    const rows = await this.sql.rows<Policy & { rn?: unknown; total?: number }>(
      `SELECT * FROM (
         SELECT ${POLICY_COLUMNS}, row_number() OVER (PARTITION BY ${p.country_code} ORDER BY ${ORDER}) AS rn,
                count(*) OVER (PARTITION BY ${p.country_code})::int AS total
         FROM policy p
         WHERE ${p.country_code} = ANY($1::varchar[]) AND ${p.nationality} = $2 AND ${p.retracted_at} IS NULL
           AND ($3::"PolicyCategory" IS NULL OR ${p.category} = $3::"PolicyCategory")
           AND ($4::date IS NULL OR (${p.effective_from}, ${p.recorded_at}, ${p.id}) < ($4::date, $5::timestamptz, $6::uuid))
       ) ranked
       WHERE rn <= $7
       ORDER BY "countryCode", rn`,
      [codes, scope.nationality, scope.category ?? null, position ? formatIsoDate(position.date) : null, position?.time.toISOString() ?? null, position?.id ?? null, size + 1],
    );
    const totals = new Map(rows.map((row) => [row.countryCode, row.total ?? 0]));
    return pagesPerParent(
      codes,
      rows.map(({ total: _total, ...row }) => withoutRank(row)),
      (row) => row.countryCode,
      size,
      Boolean(after),
      (row) => this.cursorOf(HISTORY, row),
      // After a cursor the window only saw the versions past it: then count them all apart.
      async () => (position ? this.countByCountry(codes, scope) : new Map(codes.map((code) => [code, totals.get(code) ?? 0]))),
    );
  }

  private async countByCountry(codes: readonly string[], scope: PolicyScope): Promise<Map<string, number>> {
    const rows = await this.sql.rows<{ code: string; n: number }>(
      `SELECT ${p.country_code} AS code, count(*)::int AS n FROM policy p
       WHERE ${p.country_code} = ANY($1::varchar[]) AND ${p.nationality} = $2 AND ${p.retracted_at} IS NULL
         AND ($3::"PolicyCategory" IS NULL OR ${p.category} = $3::"PolicyCategory")
       GROUP BY ${p.country_code}`,
      [codes, scope.nationality, scope.category ?? null],
    );
    return new Map(rows.map((row) => [row.code, row.n]));
  }

  /** A version's position never changes (effectiveFrom and recordedAt are set once), so its cursor is kept by id. */
  private readonly cursorsById = new Map<string, string>();

  private cursorOf(list: string, row: Policy): string {
    const key = `${list}/${row.id}`;
    let cursor = this.cursorsById.get(key);
    if (cursor === undefined) {
      // recordedAt orders versions that take effect the same day (a correction after the version it corrects).
      cursor = this.cursors.encode(list, [row.effectiveFrom.toISOString(), row.recordedAt.toISOString(), row.id]);
      if (this.cursorsById.size >= 100_000) this.cursorsById.clear();
      this.cursorsById.set(key, cursor);
    }
    return cursor;
  }

  private checkScope(scope: PolicyScope): void {
    this.catalog.assertKnown(scope.nationality, 'nationality');
  }

  private conditions(given: PolicyFilter): Conditions {
    const filter = boundedLists(given, POLICY_FILTER_LISTS);
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    if (filter.nationality != null) this.catalog.assertKnown(filter.nationality, 'filter.nationality');
    const where = new Conditions().add(`${p.retracted_at} IS NULL`);
    if (filter.countryCodes) where.add(`${p.country_code} = ANY(?::varchar[])`, filter.countryCodes);
    if (filter.nationality) where.add(`${p.nationality} = ?`, filter.nationality);
    if (filter.categories) where.add(`${p.category} = ANY(?::"PolicyCategory"[])`, filter.categories);
    if (filter.statuses) where.add(`${p.status} = ANY(?::"PolicyStatus"[])`, filter.statuses);
    if (filter.inForceOn) {
      const day = formatIsoDate(filter.inForceOn);
      where.add(`${p.effective_from} <= ?::date AND (${p.effective_to} IS NULL OR ${p.effective_to} > ?::date)`, day, day);
    }
    return where;
  }
}
