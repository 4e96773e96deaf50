import { formatIsoDate } from '../common/dates';
import { columnsAt, columnsOf } from '../db/columns';
import { insertFromJson } from '../db/json-rows';
import type { RawSql } from '../db/raw-sql';
import {
  EventCountryTable,
  EventSourceTable,
  EventTable,
  PolicySourceTable,
  PolicyTable,
  SourceTable,
  StatementPolicyTable,
  StatementSourceTable,
  StatementTable,
  type EventRow,
  type PolicyRow,
  type SourceRow,
  type StatementRow,
} from '../generated/model';

/*
 * Every statement the importer writes with (src/importer/batch-write.ts, for both importers): set-based,
 * each row set travelling as one JSON parameter keyed by the model's field names, so 10,000 rows cost a
 * few statements, not tens of thousands. recorded_at is clock_timestamp(), in row order.
 */

export type PolicyInsert = Pick<
  PolicyRow,
  | 'id' | 'countryCode' | 'nationality' | 'category' | 'status' | 'visaRequirement' | 'maxStayDays' | 'title' | 'summary'
  | 'effectiveFrom' | 'effectiveTo' | 'changedAfter' | 'announcedAt' | 'previousId' | 'verification'
>;
export type StatementInsert = Pick<
  StatementRow,
  'id' | 'speaker' | 'speakerRole' | 'countryCode' | 'saidAt' | 'saidAtPrecision' | 'text' | 'language' | 'medium' | 'replyToId' | 'verification'
>;
export type EventInsert = Pick<
  EventRow,
  'id' | 'title' | 'description' | 'kind' | 'occurredOn' | 'countryCode' | 'figureValue' | 'figureUnit' | 'figureQualifier' | 'verification'
>;
export type SourceInsert = Pick<SourceRow, 'url' | 'title'> & Partial<Pick<SourceRow, 'publisher' | 'publishedAt' | 'retrievedAt'>>;

const RECORDED_NOW = { recordedAt: 'clock_timestamp()' } as const;

const P = columnsOf(PolicyTable);
const p = columnsAt(PolicyTable, 'p');
const CLOSE_VERSIONS = `UPDATE ${PolicyTable.table} p SET ${P.effective_to} = t."effectiveTo"
  FROM jsonb_to_recordset($1::jsonb) AS t("id" uuid, "effectiveTo" date) WHERE ${p.id} = t."id"`;

const INSERT_POLICIES = insertFromJson(
  PolicyTable,
  {
    id: 'uuid', countryCode: 'varchar', nationality: 'varchar', category: '"PolicyCategory"', status: '"PolicyStatus"',
    visaRequirement: '"VisaRequirement"', maxStayDays: 'int', title: 'text', summary: 'text', effectiveFrom: 'date', effectiveTo: 'date',
    changedAfter: 'date', announcedAt: 'date', previousId: 'uuid', verification: '"Verification"',
  },
  { computed: RECORDED_NOW, ordered: true },
);

const INSERT_STATEMENTS = insertFromJson(
  StatementTable,
  {
    id: 'uuid', speaker: 'text', speakerRole: 'text', countryCode: 'varchar', saidAt: 'timestamptz', saidAtPrecision: '"TimePrecision"',
    text: 'text', language: 'varchar', medium: '"StatementMedium"', replyToId: 'uuid', verification: '"Verification"',
  },
  { computed: RECORDED_NOW, ordered: true },
);

const INSERT_EVENTS = insertFromJson(
  EventTable,
  {
    id: 'uuid', title: 'text', description: 'text', kind: '"EventKind"', occurredOn: 'date', countryCode: 'varchar',
    figureValue: 'numeric', figureUnit: 'text', figureQualifier: '"FigureQualifier"', verification: '"Verification"',
  },
  { computed: RECORDED_NOW, ordered: true },
);

const S = columnsOf(SourceTable);
const s = columnsAt(SourceTable, 's');
const INSERT_SOURCES = insertFromJson(
  SourceTable,
  { url: 'text', title: 'text', publisher: 'text', publishedAt: 'date', retrievedAt: 'timestamptz' },
  { ordered: true, onConflict: `ON CONFLICT (${S.url}) DO NOTHING` },
);
const SOURCE_IDS = `SELECT ${s.id}::text AS id, ${s.url} AS url FROM ${SourceTable.table} s
  WHERE ${s.url} IN (SELECT jsonb_array_elements_text($1::jsonb))`;

const LINK = { onConflict: 'ON CONFLICT DO NOTHING' } as const;
/** Each record table's source links: the statement, and the field naming the record. */
const SOURCE_LINKS = {
  policy: { text: insertFromJson(PolicySourceTable, { policyId: 'uuid', sourceId: 'uuid', position: 'smallint' }, LINK), owner: 'policyId' },
  statement: { text: insertFromJson(StatementSourceTable, { statementId: 'uuid', sourceId: 'uuid', position: 'smallint' }, LINK), owner: 'statementId' },
  event: { text: insertFromJson(EventSourceTable, { eventId: 'uuid', sourceId: 'uuid', position: 'smallint' }, LINK), owner: 'eventId' },
} as const;
const LINK_STATEMENT_POLICIES = insertFromJson(StatementPolicyTable, { statementId: 'uuid', policyId: 'uuid' }, LINK);
const LINK_EVENT_COUNTRIES = insertFromJson(EventCountryTable, { eventId: 'uuid', countryCode: 'varchar' }, LINK);

/** Sets effectiveTo of existing versions (id to the day), before any new version of their keys goes in. */
export async function closeVersions(tx: RawSql, closes: ReadonlyMap<string, Date>): Promise<void> {
  await run(tx, CLOSE_VERSIONS, [...closes].map(([id, to]) => ({ id, effectiveTo: formatIsoDate(to) })));
}

export async function insertPolicies(tx: RawSql, policies: readonly PolicyInsert[]): Promise<void> {
  await run(tx, INSERT_POLICIES, policies.map((policy, ord) => ({
    ord,
    id: policy.id,
    countryCode: policy.countryCode,
    nationality: policy.nationality,
    category: policy.category,
    status: policy.status,
    visaRequirement: policy.visaRequirement,
    maxStayDays: policy.maxStayDays,
    title: policy.title,
    summary: policy.summary,
    effectiveFrom: formatIsoDate(policy.effectiveFrom),
    effectiveTo: policy.effectiveTo ? formatIsoDate(policy.effectiveTo) : null,
    changedAfter: policy.changedAfter ? formatIsoDate(policy.changedAfter) : null,
    announcedAt: policy.announcedAt ? formatIsoDate(policy.announcedAt) : null,
    previousId: policy.previousId,
    verification: policy.verification,
  })));
}

export async function insertStatements(tx: RawSql, statements: readonly StatementInsert[]): Promise<void> {
  await run(tx, INSERT_STATEMENTS, statements.map((statement, ord) => ({
    ord,
    id: statement.id,
    speaker: statement.speaker,
    speakerRole: statement.speakerRole,
    countryCode: statement.countryCode,
    saidAt: statement.saidAt.toISOString(),
    saidAtPrecision: statement.saidAtPrecision,
    text: statement.text,
    language: statement.language,
    medium: statement.medium,
    replyToId: statement.replyToId,
    verification: statement.verification,
  })));
}

export async function insertEvents(tx: RawSql, events: readonly EventInsert[]): Promise<void> {
  await run(tx, INSERT_EVENTS, events.map((event, ord) => ({
    ord,
    id: event.id,
    title: event.title,
    description: event.description,
    kind: event.kind,
    occurredOn: formatIsoDate(event.occurredOn),
    countryCode: event.countryCode,
    figureValue: event.figureValue,
    figureUnit: event.figureUnit,
    figureQualifier: event.figureQualifier,
    verification: event.verification,
  })));
}

/**
 * A source row per URL, the natural key: a URL already known keeps its first title (as
 * source.writer's ensureSources). `sources` has each URL once; returns the id of every URL.
 */
export async function ensureSourceRows(tx: RawSql, sources: readonly SourceInsert[]): Promise<Map<string, string>> {
  if (sources.length === 0) return new Map();
  await run(tx, INSERT_SOURCES, sources.map((source, ord) => ({
    ord,
    url: source.url,
    title: source.title,
    publisher: source.publisher ?? null,
    publishedAt: source.publishedAt ? formatIsoDate(source.publishedAt) : null,
    retrievedAt: source.retrievedAt ? source.retrievedAt.toISOString() : null,
  })));
  const rows = await tx.$queryRawUnsafe<Array<{ id: string; url: string }>>(SOURCE_IDS, JSON.stringify(sources.map((source) => source.url)));
  return new Map(rows.map((row) => [row.url, row.id]));
}

/** Source links of `kind`'s records, each record's in the order given (a source given twice counts once, at its first place). */
export async function linkSources(
  tx: RawSql,
  kind: keyof typeof SOURCE_LINKS,
  records: ReadonlyArray<readonly [string, readonly string[]]>,
): Promise<void> {
  const { text, owner } = SOURCE_LINKS[kind];
  await run(tx, text, records.flatMap(([id, sourceIds]) => [...new Set(sourceIds)].map((sourceId, position) => ({ [owner]: id, sourceId, position }))));
}

/** Statement to policy links, as (statement id, policy id) pairs. */
export async function linkStatementPolicies(tx: RawSql, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
  await run(tx, LINK_STATEMENT_POLICIES, pairs.map(([statementId, policyId]) => ({ statementId, policyId })));
}

/** Event to country links, as (event id, country code) pairs. */
export async function linkEventCountries(tx: RawSql, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
  await run(tx, LINK_EVENT_COUNTRIES, pairs.map(([eventId, countryCode]) => ({ eventId, countryCode })));
}

async function run(tx: RawSql, text: string, rows: readonly object[]): Promise<void> {
  if (rows.length > 0) await tx.$executeRawUnsafe(text, JSON.stringify(rows));
}
