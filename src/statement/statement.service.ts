import type { CursorCodec } from '../common/cursor';
import { boundedLists } from '../common/filter-lists';
import { dayRange } from '../common/filters';
import { dateIdPosition } from '../common/keyset';
import { pageSize, pagesPerParent, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { Conditions, containsPattern, withoutRank, type Sql } from '../db/sql';
import type { StatementRow as Statement } from '../generated/model';
import { STATEMENT_FILTER_LISTS, type StatementFilter } from './statement.filter';
import { s, STATEMENT_COLUMNS } from './statement.sql';

const LIST = 'statements';

/** Reads of statements, newest first. */
export class StatementService {
  constructor(
    private readonly sql: Sql,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
    private readonly catalog: CountryCatalog,
  ) {}

  byIds(ids: readonly string[]): Promise<Statement[]> {
    return this.sql.rows(`SELECT ${STATEMENT_COLUMNS} FROM statement s WHERE ${s.id} = ANY($1::uuid[])`, [ids]);
  }

  async list(filter: StatementFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Statement>> {
    const size = pageSize(first, this.limits);
    const matching = this.conditions(filter ?? {});
    const page = matching.clone();
    if (after) {
      const { date, id } = dateIdPosition(this.cursors.decode(after, LIST));
      page.add(`(${s.said_at}, ${s.id}) < (?::timestamptz, ?::uuid)`, date.toISOString(), id);
    }
    const rows = await this.sql.rows<Statement>(
      `SELECT ${STATEMENT_COLUMNS} FROM statement s ${page.where} ORDER BY ${s.said_at} DESC, ${s.id} DESC LIMIT ${page.param(size + 1)}`,
      page.values,
    );
    return toPage(rows, size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const row = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM statement s ${matching.where}`, matching.values);
      return row?.n ?? 0;
    });
  }

  /** One page of each country's statements, in one statement. */
  async byCountries(codes: readonly string[], first: number | null | undefined, after: string | null | undefined): Promise<Map<string, Page<Statement>>> {
    const size = pageSize(first, this.limits);
    const position = after ? dateIdPosition(this.cursors.decode(after, LIST)) : null;
    const rows = await this.sql.rows<Statement & { rn?: unknown }>(
      `SELECT * FROM (
         SELECT ${STATEMENT_COLUMNS},
                row_number() OVER (PARTITION BY ${s.country_code} ORDER BY ${s.said_at} DESC, ${s.id} DESC) AS rn
         FROM statement s
         WHERE ${s.country_code} = ANY($1::varchar[]) AND ${s.retracted_at} IS NULL
           AND ($2::timestamptz IS NULL OR (${s.said_at}, ${s.id}) < ($2::timestamptz, $3::uuid))
       ) ranked
       WHERE rn <= $4
       ORDER BY "countryCode", rn`,
      [codes, position?.date.toISOString() ?? null, position?.id ?? null, size + 1],
    );
    return pagesPerParent(codes, rows.map(withoutRank), (row) => row.countryCode ?? '', size, Boolean(after), (row) => this.cursorOf(row), async () => {
      const counts = await this.sql.rows<{ code: string; n: number }>(
        `SELECT ${s.country_code} AS code, count(*)::int AS n FROM statement s
         WHERE ${s.country_code} = ANY($1::varchar[]) AND ${s.retracted_at} IS NULL GROUP BY ${s.country_code}`,
        [codes],
      );
      return new Map(counts.map((row) => [row.code, row.n]));
    });
  }

  /** Ids of the policies each statement is about. */
  policyIdsFor(statementIds: readonly string[]): Promise<Array<{ statementId: string; policyId: string }>> {
    return this.sql.rows(
      'SELECT statement_id AS "statementId", policy_id AS "policyId" FROM statement_policy WHERE statement_id = ANY($1::uuid[])',
      [statementIds],
    );
  }

  private cursorOf(row: Statement): string {
    return this.cursors.encode(LIST, [row.saidAt.toISOString(), row.id]);
  }

  private conditions(given: StatementFilter): Conditions {
    const filter = boundedLists(given, STATEMENT_FILTER_LISTS);
    if (filter.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    const saidAt = dayRange(filter.from, filter.to);
    const where = new Conditions().add(`${s.retracted_at} IS NULL`);
    if (filter.countryCodes) where.add(`${s.country_code} = ANY(?::varchar[])`, filter.countryCodes);
    if (filter.speaker?.trim()) where.add(`${s.speaker} ILIKE ? ESCAPE '\\'`, containsPattern(filter.speaker.trim()));
    if (saidAt?.gte) where.add(`${s.said_at} >= ?::timestamptz`, saidAt.gte.toISOString());
    if (saidAt?.lt) where.add(`${s.said_at} < ?::timestamptz`, saidAt.lt.toISOString());
    if (filter.search?.trim()) {
      const pattern = containsPattern(filter.search.trim());
      where.add(`(${s.text} ILIKE ? ESCAPE '\\' OR ${s.speaker} ILIKE ? ESCAPE '\\' OR ${s.speaker_role} ILIKE ? ESCAPE '\\')`, pattern, pattern, pattern);
    }
    return where;
  }
}
