import { formatIsoDate } from '../common/dates';
import { columnsAt } from '../db/columns';
import type { RawSql } from '../db/raw-sql';
import { EventTable, PolicyTable, StatementTable, type EventRow, type PolicyRow, type StatementRow } from '../generated/model';

/*
 * The reads an import batch is decided against (src/importer/batch-state.ts): what the database holds
 * for the batch's natural keys, each kind in one statement whose keys travel as one JSON parameter.
 * Enums and the decimal come back as text: Prisma's raw queries and pg then return the same values.
 */

const p = columnsAt(PolicyTable, 'p');
const s = columnsAt(StatementTable, 's');
const e = columnsAt(EventTable, 'e');

export type VersionRow = Pick<
  PolicyRow,
  'id' | 'countryCode' | 'nationality' | 'category' | 'status' | 'visaRequirement' | 'maxStayDays' | 'title' | 'summary' | 'effectiveFrom' | 'effectiveTo'
> & { retracted: boolean };
export type StatementKeyRow = Pick<StatementRow, 'speaker' | 'saidAt' | 'text' | 'speakerRole' | 'countryCode' | 'medium' | 'language' | 'verification'> & {
  retracted: boolean;
};
export type EventKeyRow = Pick<EventRow, 'title' | 'occurredOn' | 'kind' | 'description' | 'countryCode' | 'verification'> & {
  /** NUMERIC as text: Prisma would return a Decimal. */
  figureValue: string | null;
  retracted: boolean;
};

/** Every version, live or retracted, of the policies named, oldest first. */
const VERSIONS = `SELECT ${p.id} AS id, ${p.country_code} AS "countryCode", ${p.nationality} AS nationality, ${p.category}::text AS category,
    ${p.status}::text AS status, ${p.visa_requirement}::text AS "visaRequirement", ${p.max_stay_days} AS "maxStayDays", ${p.title} AS title,
    ${p.summary} AS summary, ${p.effective_from} AS "effectiveFrom", ${p.effective_to} AS "effectiveTo", ${p.retracted_at} IS NOT NULL AS retracted
  FROM ${PolicyTable.table} p
  JOIN jsonb_to_recordset($1::jsonb) AS k("countryCode" text, nationality text, category text)
    ON ${p.country_code} = k."countryCode" AND ${p.nationality} = k.nationality AND ${p.category}::text = k.category
  ORDER BY ${p.effective_from}, ${p.recorded_at}, ${p.id}`;

const STATEMENTS = `SELECT ${s.speaker} AS speaker, ${s.said_at} AS "saidAt", ${s.text} AS text, ${s.speaker_role} AS "speakerRole",
    ${s.country_code} AS "countryCode", ${s.medium}::text AS medium, ${s.language} AS language, ${s.verification}::text AS verification,
    ${s.retracted_at} IS NOT NULL AS retracted
  FROM ${StatementTable.table} s
  JOIN jsonb_to_recordset($1::jsonb) AS k(speaker text, "saidAt" timestamptz, text text)
    ON ${s.speaker} = k.speaker AND ${s.said_at} = k."saidAt" AND ${s.text} = k.text`;

const EVENTS = `SELECT ${e.title} AS title, ${e.occurred_on} AS "occurredOn", ${e.kind}::text AS kind, ${e.description} AS description,
    ${e.country_code} AS "countryCode", ${e.figure_value}::text AS "figureValue", ${e.verification}::text AS verification,
    ${e.retracted_at} IS NOT NULL AS retracted
  FROM ${EventTable.table} e
  JOIN jsonb_to_recordset($1::jsonb) AS k(title text, "occurredOn" date)
    ON ${e.title} = k.title AND ${e.occurred_on} = k."occurredOn"`;

const STATEMENT_IDS = `SELECT ${s.id}::text AS id FROM ${StatementTable.table} s
  WHERE ${s.id} IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))`;

/** Keys as the importer holds them: a statement's policy reference names its category as text, compared as text here. */
export async function selectVersions(
  tx: RawSql,
  keys: ReadonlyArray<Pick<PolicyRow, 'countryCode' | 'nationality'> & { category: string }>,
): Promise<VersionRow[]> {
  if (keys.length === 0) return [];
  const json = JSON.stringify(keys.map((key) => ({ countryCode: key.countryCode, nationality: key.nationality, category: key.category })));
  return tx.$queryRawUnsafe<VersionRow[]>(VERSIONS, json);
}

export async function selectStatementsByKey(tx: RawSql, keys: ReadonlyArray<Pick<StatementRow, 'speaker' | 'saidAt' | 'text'>>): Promise<StatementKeyRow[]> {
  if (keys.length === 0) return [];
  const json = JSON.stringify(keys.map((key) => ({ speaker: key.speaker, saidAt: key.saidAt.toISOString(), text: key.text })));
  return tx.$queryRawUnsafe<StatementKeyRow[]>(STATEMENTS, json);
}

export async function selectEventsByKey(tx: RawSql, keys: ReadonlyArray<Pick<EventRow, 'title' | 'occurredOn'>>): Promise<EventKeyRow[]> {
  if (keys.length === 0) return [];
  const json = JSON.stringify(keys.map((key) => ({ title: key.title, occurredOn: formatIsoDate(key.occurredOn) })));
  return tx.$queryRawUnsafe<EventKeyRow[]>(EVENTS, json);
}

/** Those of `ids` that are statements. */
export async function selectStatementIds(tx: RawSql, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(STATEMENT_IDS, JSON.stringify(ids));
  return new Set(rows.map((row) => row.id));
}
