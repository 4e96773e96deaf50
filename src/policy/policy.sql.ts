import { columnsAt, selectList } from '../db/columns';
import { Conditions } from '../db/sql';
import { formatIsoDate } from '../common/dates';
import type { PolicyFilter } from './policy.filter';
import { PolicyTable } from '../generated/model';
import { sourcesJson } from '../source/source.sql';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const POLICY_FIELDS = PolicyTable.columns;

/** Policy columns in SQL under the alias `p`, by column name: `${p.country_code}`. */
export const p = columnsAt(PolicyTable, 'p');

/** Sources of each row (`sources`, JSON: sourcesFromJson) when a page is read with them. */
const sourcesColumn = (withSources: boolean, id: string) => (withSources ? `, ${sourcesJson('policy', id)} AS sources` : '');

/** Policy columns (table alias `p`) under the names the Prisma model uses. */
export const POLICY_COLUMNS = selectList(POLICY_FIELDS, 'p');

type PolicyField = keyof typeof POLICY_FIELDS;

const DERIVED: Record<string, readonly PolicyField[]> = { country: ['countryCode'], previous: ['previousId'], sources: ['id'], __typename: [] };
/** Always read: the key, the grouping and the order of the in-force lists, and what their SQL compares. */
const ALWAYS: readonly PolicyField[] = ['id', 'countryCode', 'nationality', 'category', 'effectiveFrom', 'effectiveTo'];

/**
 * The column sets an in-force read chooses from, smallest first. Each is one SQL text, prepared on
 * every pooled connection, so a selection is rounded up to the first set holding it (every column
 * when none does): three texts, whatever fields clients pick out of 2^12 combinations.
 */
const PROJECTIONS: ReadonlyArray<ReadonlySet<string>> = [
  // The country map: 250 countries × 7 policies for one field.
  [...ALWAYS, 'status'],
  // A country's card.
  [...ALWAYS, 'status', 'visaRequirement', 'maxStayDays', 'title', 'summary', 'verification'],
].map((fields) => new Set(fields));

/**
 * The Policy columns to read for the fields a query selects (see selectedFieldNames), as the
 * sorted comma-separated list of the smallest projection holding them (a loader key); null (every
 * column) when a field is not known here or no smaller projection holds them all.
 */
export function policyFieldsFor(selected: ReadonlySet<string> | null): string | null {
  if (!selected) return null;
  const fields = new Set<string>(ALWAYS);
  for (const name of selected) {
    if (name in POLICY_FIELDS) fields.add(name);
    else if (name in DERIVED) for (const field of DERIVED[name]!) fields.add(field);
    else return null;
  }
  const projection = PROJECTIONS.find((columns) => [...fields].every((field) => columns.has(field)));
  return projection ? [...projection].sort().join(',') : null;
}

/** The SELECT list (alias `p`) for a field list from policyFieldsFor; every column for null. */
export function policyColumns(fields: string | null): string {
  if (fields === null) return POLICY_COLUMNS;
  const chosen = Object.fromEntries(fields.split(',').map((field) => [field, POLICY_FIELDS[field as PolicyField]]));
  return selectList(chosen, 'p');
}

/** Newest version first: effectiveFrom, then recordedAt (a correction after the version it corrects), then id. */
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
export function inForceSql(columns: string, nationality: string, order: string, withSources = false): string {
  return `WITH open AS (
       SELECT ${columns} FROM policy p
       WHERE ${p.country_code} = ANY($1::varchar[]) AND ${nationality} AND ${p.effective_to} IS NULL AND ${p.retracted_at} IS NULL
         AND ($2::"PolicyCategory" IS NULL OR ${p.category} = $2::"PolicyCategory")
     )
     SELECT *${sourcesColumn(withSources, 'found.id')} FROM (
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

/** Versions by id. */
export const POLICIES_BY_IDS = `SELECT ${POLICY_COLUMNS} FROM policy p WHERE ${p.id} = ANY($1::uuid[])`;


/** VISA versions in force on $2 for the nationalities $1, counted by requirement. */
export const VISA_COUNTS_IN_FORCE = `SELECT ${p.nationality}, ${p.visa_requirement} AS "visaRequirement", count(*)::int AS n FROM policy p
   WHERE ${p.nationality} = ANY($1::varchar[]) AND ${p.category} = 'VISA' AND ${p.retracted_at} IS NULL AND ${IN_FORCE('$2')}
   GROUP BY ${p.nationality}, ${p.visa_requirement}`;

/** Per day and visa requirement, the VISA versions of countries $1 for nationality $2 that start minus those that end. */
export const VISA_CHANGES = `WITH visa AS (
     SELECT ${p.effective_from}, ${p.effective_to}, ${p.visa_requirement} FROM policy p
     WHERE ${p.country_code} = ANY($1::varchar[]) AND ${p.nationality} = $2 AND ${p.category} = 'VISA' AND ${p.retracted_at} IS NULL
   )
   SELECT day, visa_requirement AS "visaRequirement", sum(delta)::int AS delta FROM (
     SELECT effective_from AS day, visa_requirement, 1 AS delta FROM visa
     UNION ALL
     SELECT effective_to, visa_requirement, -1 FROM visa WHERE effective_to IS NOT NULL
   ) changes
   GROUP BY day, visa_requirement HAVING sum(delta) <> 0
   ORDER BY day, visa_requirement`;

/** The nationalities of the versions not retracted: a skip scan of the index on nationality. */
export const NATIONALITIES = `WITH RECURSIVE found(code) AS (
     (SELECT ${p.nationality} FROM policy p WHERE ${p.retracted_at} IS NULL ORDER BY ${p.nationality} LIMIT 1)
     UNION ALL
     SELECT (SELECT ${p.nationality} FROM policy p WHERE ${p.nationality} > found.code AND ${p.retracted_at} IS NULL ORDER BY ${p.nationality} LIMIT 1)
     FROM found WHERE found.code IS NOT NULL
   )
   SELECT code FROM found WHERE code IS NOT NULL`;

/** Country codes with a version in force on $4 for nationality $1 (of category $2 and status $3, when not null). */
export const COUNTRY_CODES_IN_FORCE = `SELECT DISTINCT ${p.country_code} AS code FROM policy p
   WHERE ${p.nationality} = $1 AND ${p.retracted_at} IS NULL
     AND ($2::"PolicyCategory" IS NULL OR ${p.category} = $2::"PolicyCategory")
     AND ($3::"PolicyStatus" IS NULL OR ${p.status} = $3::"PolicyStatus") AND ${IN_FORCE('$4')}`;

/** The (effectiveFrom, recordedAt, id) keyset condition after a cursor, with `?` placeholders (Conditions). */
export const AFTER_POSITION = `(${p.effective_from}, ${p.recorded_at}, ${p.id}) < (?::date, ?::timestamptz, ?::uuid)`;

/** A page of versions meeting `where`, newest first, at most `limit` (a placeholder), with their sources when asked. */
export function policyPageSql(where: string, limit: string, withSources: boolean): string {
  return `SELECT ${POLICY_COLUMNS}${sourcesColumn(withSources, p.id)} FROM policy p ${where} ORDER BY ${ORDER} LIMIT ${limit}`;
}

export function policyCountSql(where: string): string {
  return `SELECT count(*)::int AS n FROM policy p ${where}`;
}

/**
 * One page of version history for each of the countries $1 (nationality $2, category $3 or all), newest
 * first, after the position ($4, $5, $6) when not null, at most $7 rows per country: a window function
 * numbers each country's versions and counts them (totalCount of a first page). With their sources when asked.
 */
export function historySql(withSources: boolean): string {
  return `SELECT *${sourcesColumn(withSources, 'ranked.id')} FROM (
     SELECT ${POLICY_COLUMNS}, row_number() OVER (PARTITION BY ${p.country_code} ORDER BY ${ORDER}) AS rn,
            count(*) OVER (PARTITION BY ${p.country_code})::int AS total
     FROM policy p
     WHERE ${p.country_code} = ANY($1::varchar[]) AND ${p.nationality} = $2 AND ${p.retracted_at} IS NULL
       AND ($3::"PolicyCategory" IS NULL OR ${p.category} = $3::"PolicyCategory")
       AND ($4::date IS NULL OR (${p.effective_from}, ${p.recorded_at}, ${p.id}) < ($4::date, $5::timestamptz, $6::uuid))
   ) ranked
   WHERE rn <= $7
   ORDER BY "countryCode", rn`;
}

/** How many versions each of the countries $1 has for nationality $2 (of category $3, or all). */
export const HISTORY_COUNTS = `SELECT ${p.country_code} AS code, count(*)::int AS n FROM policy p
   WHERE ${p.country_code} = ANY($1::varchar[]) AND ${p.nationality} = $2 AND ${p.retracted_at} IS NULL
     AND ($3::"PolicyCategory" IS NULL OR ${p.category} = $3::"PolicyCategory")
   GROUP BY ${p.country_code}`;

/** inForceSql for one nationality ($4), by country and category. */
export function inForceForNationalitySql(fields: string | null, withSources: boolean): string {
  return inForceSql(policyColumns(fields), `${p.nationality} = $4`, '"countryCode", category', withSources);
}

/** inForceSql for every nationality, by country, nationality and category. */
export function inForceForAllSql(fields: string | null): string {
  return inForceSql(policyColumns(fields), 'TRUE', '"countryCode", nationality, category');
}

/** The conditions of the policies list's filter (checked by the service), on versions not retracted. */
export function policyFilterConditions(filter: PolicyFilter): Conditions {
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

/** `sql` with each parameter $n renumbered $(n + by), to follow another statement's parameters in one text. */
function shiftParameters(sql: string, by: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`);
}

const FIELD_NAMES = Object.keys(POLICY_FIELDS)
  .map((field) => `"${field}"`)
  .join(', ');

/**
 * inForceForNationalitySql ($1-$4, every column) and historySql ($5-$11) in one statement, as a country's
 * page asks them: each row names its `part` ('at' or 'history'); the in-force rows come by country and
 * category, the history rows by country and rank, with `rn` and `total` as historySql has them.
 */
export function inForceAndHistorySql(atSources: boolean, historySources: boolean): string {
  return `WITH at AS (${inForceForNationalitySql(null, atSources)}),
   history AS (${shiftParameters(historySql(historySources), 4)})
   SELECT 'at' AS part, ${FIELD_NAMES}, NULL::bigint AS rn, NULL::int AS total, ${atSources ? 'sources' : 'NULL::json AS sources'} FROM at
   UNION ALL
   SELECT 'history', ${FIELD_NAMES}, rn, total, ${historySources ? 'sources' : 'NULL::json'} FROM history
   ORDER BY part, "countryCode", rn NULLS FIRST, category`;
}
