import type { CursorCodec } from '../common/cursor';
import { boundedLists } from '../common/filter-lists';
import { dayRange } from '../common/filters';
import { dateIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { withoutRank, type Conditions, type Sql } from '../db/sql';
import type { StatementRow as Statement } from '../generated/model';
import { NO_SOURCES, pageRows, withSources, type ReadOptions, type Sourced } from '../source/source.sql';
import { STATEMENT_FILTER_LISTS, type StatementFilter } from './statement.filter';
import {
  AFTER_POSITION,
  COUNTRY_STATEMENT_COUNTS,
  countryStatementsSql,
  statementCountSql,
  statementFilterConditions,
  statementPageSql,
  STATEMENT_POLICY_IDS,
  STATEMENTS_BY_IDS,
} from './statement.sql';

const LIST = 'statements';

/** Reads of statements, newest first. A page is one statement, with its statements' sources when asked. */
export class StatementService {
  constructor(
    private readonly sql: Sql,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  byIds(ids: readonly string[]): Promise<Statement[]> {
    return this.sql.rows(STATEMENTS_BY_IDS, [ids]);
  }

  async list(
    filter: StatementFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    options: ReadOptions = NO_SOURCES,
  ): Promise<Page<Sourced<Statement>>> {
    const size = pageSize(first, this.limits);
    const matching = this.conditions(filter ?? {});
    const page = matching.clone();
    if (after) {
      const { date, id } = dateIdPosition(this.cursors.decode(after, LIST));
      page.add(AFTER_POSITION, date.toISOString(), id);
    }
    const limit = page.param(size + 1);
    const rows = await pageRows<Statement & { sources?: unknown }>(this.sql, (sources) => statementPageSql(page.where, limit, sources), page.values, options.sources);
    return toPage(rows.map(withSources), size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const row = await this.sql.one<{ n: number }>(statementCountSql(matching.where), matching.values);
      return row?.n ?? 0;
    });
  }

  /** One page of each country's statements, in one statement. */
  async byCountries(
    codes: readonly string[],
    first: number | null | undefined,
    after: string | null | undefined,
    options: ReadOptions = NO_SOURCES,
  ): Promise<Map<string, Page<Sourced<Statement>>>> {
    const size = pageSize(first, this.limits);
    const position = after ? dateIdPosition(this.cursors.decode(after, LIST)) : null;
    const rows = await pageRows<Statement & { rn?: unknown; sources?: unknown }>(
      this.sql,
      countryStatementsSql,
      [codes, position?.date.toISOString() ?? null, position?.id ?? null, size + 1],
      options.sources,
    );
    const records = rows.map((row) => withSources(withoutRank(row)));
    return pagesPerParent(codes, records, (row) => row.countryCode ?? '', size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const counts = await this.sql.rows<{ code: string; n: number }>(COUNTRY_STATEMENT_COUNTS, [codes]);
      return new Map(counts.map((row) => [row.code, row.n]));
    });
  }

  /** Ids of the policies each statement is about. */
  policyIdsFor(statementIds: readonly string[]): Promise<Array<{ statementId: string; policyId: string }>> {
    return this.sql.rows(STATEMENT_POLICY_IDS, [statementIds]);
  }

  private cursorOf(row: Statement): string {
    return this.cursors.encode(LIST, [row.saidAt.toISOString(), row.id]);
  }

  private conditions(given: StatementFilter): Conditions {
    const filter = boundedLists(given, STATEMENT_FILTER_LISTS);
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    return statementFilterConditions(filter, dayRange(filter.from, filter.to));
  }
}
