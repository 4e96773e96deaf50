import { LRUCache } from 'lru-cache';
import type { CursorCodec } from '../common/cursor';
import { formatIsoDate } from '../common/dates';
import type { PolicyCategory, VisaRequirement } from '../common/enums';
import { boundedLists } from '../common/filter-lists';
import { dateTimeIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { withoutRank, type Conditions, type Sql } from '../db/sql';
import type { PolicyRow as Policy } from '../generated/model';
import { POLICY_FILTER_LISTS, type PolicyFilter } from './policy.filter';
import { NO_SOURCES, pageRows, withSources, type ReadOptions, type Sourced } from '../source/source.sql';
import {
  AFTER_POSITION,
  COUNTRY_CODES_IN_FORCE,
  HISTORY_COUNTS,
  historySql,
  inForceAndHistorySql,
  inForceForAllSql,
  inForceForNationalitySql,
  NATIONALITIES,
  POLICIES_BY_IDS,
  policyCountSql,
  policyFilterConditions,
  policyPageSql,
  VISA_CHANGES,
  VISA_COUNTS_IN_FORCE,
} from './policy.sql';

const LIST = 'policies';
const HISTORY = 'policyHistory';
/** A row of historySql: a version with its rank, its country's count of versions, and its sources when read. */
type HistoryRow = Policy & { rn?: unknown; total?: number | null; sources?: unknown };

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
    return this.sql.rows(POLICIES_BY_IDS, [ids]);
  }

  /**
   * Versions in force on `date` for each of `codes` and one nationality, ordered by country and
   * category, in one statement (inForceSql). `fields` (from policyFieldsFor) limits the columns
   * read to those the query selects; the rows then have only those fields.
   */
  async inForce(codes: readonly string[], date: Date, scope: PolicyScope, fields: string | null = null, options: ReadOptions = NO_SOURCES): Promise<Array<Sourced<Policy>>> {
    this.checkScope(scope);
    const rows = await pageRows<Policy & { sources?: unknown }>(
      this.sql,
      (sources) => inForceForNationalitySql(fields, sources),
      [codes, scope.category ?? null, formatIsoDate(date), scope.nationality],
      options.sources,
    );
    return rows.map(withSources);
  }

  /**
   * Versions in force on `date` for each of `codes`, for every nationality: who may enter these
   * countries. The same statement as inForce, ordered by country, nationality and category.
   */
  inForceForAll(codes: readonly string[], date: Date, category: PolicyCategory | null, fields: string | null = null): Promise<Policy[]> {
    return this.sql.rows(inForceForAllSql(fields), [codes, category, formatIsoDate(date)]);
  }

  /**
   * How many VISA versions of each requirement are in force on `date` for each of
   * `nationalities`, in one statement through the index on nationality. Versions of one policy
   * never overlap, so the plain in-force test counts each destination once.
   */
  visaCountsInForce(nationalities: readonly string[], date: Date): Promise<Array<{ nationality: string; visaRequirement: VisaRequirement | null; n: number }>> {
    return this.sql.rows(VISA_COUNTS_IN_FORCE, [nationalities, formatIsoDate(date)]);
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
    return this.sql.rows(VISA_CHANGES, [codes, nationality]);
  }

  /**
   * The nationalities of the versions (not retracted): a skip scan of the index on nationality,
   * one probe per nationality found (2 ms for 199 among 98,000 versions, where a scan of the
   * table took 150 ms and probing each nationality against every destination 190 ms).
   */
  async nationalities(): Promise<Set<string>> {
    const rows = await this.sql.rows<{ code: string }>(NATIONALITIES);
    return new Set(rows.map((row) => row.code));
  }

  /** Country codes with a version in force on `date` (of `status`, when given), for the countries filter. */
  async countryCodesInForce(date: Date, scope: PolicyScope, status: Policy['status'] | null): Promise<Set<string>> {
    this.checkScope(scope);
    const rows = await this.sql.rows<{ code: string }>(COUNTRY_CODES_IN_FORCE, [scope.nationality, scope.category ?? null, status, formatIsoDate(date)]);
    return new Set(rows.map((row) => row.code));
  }

  /** A page of versions, newest first; with `options.sources`, each with its sources, in the same statement. */
  async list(
    filter: PolicyFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    options: ReadOptions = NO_SOURCES,
  ): Promise<Page<Sourced<Policy>>> {
    const size = pageSize(first, this.limits);
    const matching = this.conditions(filter ?? {});
    const page = matching.clone();
    if (after) {
      const { date, time, id } = dateTimeIdPosition(this.cursors.decode(after, LIST));
      page.add(AFTER_POSITION, formatIsoDate(date), time.toISOString(), id);
    }
    const limit = page.param(size + 1);
    const rows = await pageRows<Policy & { sources?: unknown }>(this.sql, (sources) => policyPageSql(page.where, limit, sources), page.values, options.sources);
    return toPage(rows.map(withSources), size, Boolean(after), (row) => this.cursorOf(LIST, row), async () => {
      const row = await this.sql.one<{ n: number }>(policyCountSql(matching.where), matching.values);
      return row?.n ?? 0;
    });
  }

  /**
   * One page of version history for each of `codes`, newest first, in one statement (historySql), with
   * each version's sources when `options.sources`.
   */
  async history(
    codes: readonly string[],
    scope: PolicyScope,
    first: number | null | undefined,
    after: string | null | undefined,
    options: ReadOptions = NO_SOURCES,
  ): Promise<Map<string, Page<Sourced<Policy>>>> {
    const request = this.historyRequest(codes, scope, first, after);
    const rows = await pageRows<HistoryRow>(this.sql, historySql, request.values, options.sources);
    return this.historyPages(request, rows);
  }

  /**
   * A country page's two policy reads in one statement (inForceAndHistorySql): the versions in force on
   * `at.date` (every column) and a page of history, answered as inForce and history answer them.
   */
  async inForceAndHistory(
    at: { codes: readonly string[]; date: Date; scope: PolicyScope; options: ReadOptions },
    history: { codes: readonly string[]; scope: PolicyScope; first: number | null | undefined; after: string | null | undefined; options: ReadOptions },
  ): Promise<{ inForce: Array<Sourced<Policy>>; history: Map<string, Page<Sourced<Policy>>> }> {
    this.checkScope(at.scope);
    const request = this.historyRequest(history.codes, history.scope, history.first, history.after);
    const rows = await this.sql.rows<HistoryRow & { part: string }>(inForceAndHistorySql(at.options.sources, history.options.sources), [
      at.codes,
      at.scope.category ?? null,
      formatIsoDate(at.date),
      at.scope.nationality,
      ...request.values,
    ]);
    // Both parts have a sources column; a part read without its sources gives its rows none.
    const strip = (row: HistoryRow & { part: string }, sources: boolean): HistoryRow => {
      const { part: _part, sources: json, ...record } = row;
      return sources ? { ...record, sources: json } : record;
    };
    return {
      inForce: rows
        .filter((row) => row.part === 'at')
        .map((row) => {
          const { rn: _rn, total: _total, ...record } = strip(row, at.options.sources);
          return withSources(record);
        }),
      history: this.historyPages(
        request,
        rows.filter((row) => row.part === 'history').map((row) => strip(row, history.options.sources)),
      ),
    };
  }

  private historyRequest(codes: readonly string[], scope: PolicyScope, first: number | null | undefined, after: string | null | undefined) {
    this.checkScope(scope);
    const size = pageSize(first, this.limits);
    const position = after ? dateTimeIdPosition(this.cursors.decode(after, HISTORY)) : null;
    const values = [codes, scope.nationality, scope.category ?? null, position ? formatIsoDate(position.date) : null, position?.time.toISOString() ?? null, position?.id ?? null, size + 1];
    return { codes, scope, size, position, after, values };
  }

  private historyPages(request: ReturnType<PolicyService['historyRequest']>, rows: readonly HistoryRow[]): Map<string, Page<Sourced<Policy>>> {
    const { codes, scope, size, position, after } = request;
    // On a first page the window also counts each country's versions, so totalCount costs no further statement.
    const totals = new Map(rows.map((row) => [row.countryCode, row.total ?? 0]));
    return pagesPerParent(
      codes,
      rows.map(({ total: _total, ...row }) => withSources(withoutRank(row))),
      (row) => row.countryCode,
      size,
      Boolean(after),
      (row) => this.cursorOf(HISTORY, row),
      // After a cursor the window only saw the versions past it: then count them all apart.
      async () => (position ? this.countByCountry(codes, scope) : new Map(codes.map((code) => [code, totals.get(code) ?? 0]))),
    );
  }

  private async countByCountry(codes: readonly string[], scope: PolicyScope): Promise<Map<string, number>> {
    const rows = await this.sql.rows<{ code: string; n: number }>(HISTORY_COUNTS, [codes, scope.nationality, scope.category ?? null]);
    return new Map(rows.map((row) => [row.code, row.n]));
  }

  /** A version's position never changes (effectiveFrom and recordedAt are set once), so its cursor is kept by id. */
  private readonly cursorsById = new LRUCache<string, string>({ max: 100_000 });

  private cursorOf(list: string, row: Policy): string {
    const key = `${list}/${row.id}`;
    let cursor = this.cursorsById.get(key);
    if (cursor === undefined) {
      // recordedAt orders versions that take effect the same day (a correction after the version it corrects).
      cursor = this.cursors.encode(list, [row.effectiveFrom.toISOString(), row.recordedAt.toISOString(), row.id]);
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
    return policyFilterConditions(filter);
  }
}
