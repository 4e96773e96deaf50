import { columnsAt, selectList } from '../db/columns';
import { Conditions, containsPattern } from '../db/sql';
import { sourcesJson } from '../source/source.sql';
import type { StatementFilter } from './statement.filter';
import { StatementPolicyTable, StatementTable } from '../generated/model';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const STATEMENT_FIELDS = StatementTable.columns;

/** Statement columns (table alias `s`) under the names the Prisma model uses. */
export const STATEMENT_COLUMNS = selectList(STATEMENT_FIELDS, 's');

/** Statement columns in SQL under the alias `s`, by column name: `${s.said_at}`. */
export const s = columnsAt(StatementTable, 's');

const sp = columnsAt(StatementPolicyTable, 'sp');
const ORDER = `${s.said_at} DESC, ${s.id} DESC`;
/** Sources of each row (`sources`, JSON: sourcesFromJson) when a page is read with them. */
const sourcesColumn = (withSources: boolean, id: string) => (withSources ? `, ${sourcesJson('statement', id)} AS sources` : '');

export const STATEMENTS_BY_IDS = `SELECT ${STATEMENT_COLUMNS} FROM statement s WHERE ${s.id} = ANY($1::uuid[])`;

/** Ids of the policies each of the statements $1 is about. */
export const STATEMENT_POLICY_IDS = `SELECT ${sp.statement_id} AS "statementId", ${sp.policy_id} AS "policyId" FROM statement_policy sp WHERE ${sp.statement_id} = ANY($1::uuid[])`;

/** The (saidAt, id) keyset condition after a cursor, with `?` placeholders (Conditions). */
export const AFTER_POSITION = `(${s.said_at}, ${s.id}) < (?::timestamptz, ?::uuid)`;

/** A page of statements meeting `where`, newest first, at most `limit` (a placeholder), with their sources when asked. */
export function statementPageSql(where: string, limit: string, withSources: boolean): string {
  return `SELECT ${STATEMENT_COLUMNS}${sourcesColumn(withSources, s.id)} FROM statement s ${where} ORDER BY ${ORDER} LIMIT ${limit}`;
}

export function statementCountSql(where: string): string {
  return `SELECT count(*)::int AS n FROM statement s ${where}`;
}

/** One page of statements for each of the countries $1, after ($2, $3) when not null, at most $4 each; with sources when asked. */
export function countryStatementsSql(withSources: boolean): string {
  return `SELECT *${sourcesColumn(withSources, 'ranked.id')} FROM (
     SELECT ${STATEMENT_COLUMNS}, row_number() OVER (PARTITION BY ${s.country_code} ORDER BY ${ORDER}) AS rn
     FROM statement s
     WHERE ${s.country_code} = ANY($1::varchar[]) AND ${s.retracted_at} IS NULL
       AND ($2::timestamptz IS NULL OR (${s.said_at}, ${s.id}) < ($2::timestamptz, $3::uuid))
   ) ranked
   WHERE rn <= $4
   ORDER BY "countryCode", rn`;
}

/** How many statements each of the countries $1 has. */
export const COUNTRY_STATEMENT_COUNTS = `SELECT ${s.country_code} AS code, count(*)::int AS n FROM statement s
   WHERE ${s.country_code} = ANY($1::varchar[]) AND ${s.retracted_at} IS NULL GROUP BY ${s.country_code}`;

/** The conditions of the statements list's filter (checked by the service), on statements not retracted. */
export function statementFilterConditions(filter: StatementFilter, saidAt: { gte?: Date; lt?: Date } | null | undefined): Conditions {
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
