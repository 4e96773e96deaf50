import { columnsAt, pickPrefixed, selectList } from '../db/columns';
import { EVENT_FIELDS } from '../event/event.sql';
import { EventTable, FeedEntryTable, PolicyTable, StatementTable, type EventRow, type FeedEntryRow, type PolicyRow, type StatementRow } from '../generated/model';
import { POLICY_FIELDS } from '../policy/policy.sql';
import { sourcesFromJson, sourcesJson, type Sourced } from '../source/source.sql';
import { STATEMENT_FIELDS } from '../statement/statement.sql';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const FEED_FIELDS = FeedEntryTable.columns;

/** Feed entry columns (table alias `f`) under the names the Prisma model uses. */
export const FEED_COLUMNS = selectList(FEED_FIELDS, 'f');

/** Feed entry columns in SQL under the alias `f`, by column name: `${f.seq}`. */
export const f = columnsAt(FeedEntryTable, 'f');

const p = columnsAt(PolicyTable, 'p');
/** The version a change replaced, joined beside the new one (`p`). */
const pp = columnsAt(PolicyTable, 'pp');
const s = columnsAt(StatementTable, 's');
const e = columnsAt(EventTable, 'e');

/** The records an entry is about, read with it; each with its sources when the read asked for them. */
export interface FeedRecords {
  /** The version published, come into force, or retracted. */
  policy: Sourced<PolicyRow> | null;
  previous: Sourced<PolicyRow> | null;
  /** The statement published or retracted. */
  statement: Sourced<StatementRow> | null;
  event: Sourced<EventRow> | null;
}

export interface FeedPageRow {
  entry: FeedEntryRow;
  records: FeedRecords;
}

/** The record a retraction names, when it is of `type`: the same join serves the item and its target. */
const target = (own: string, type: string) => `coalesce(${own}, CASE WHEN ${f.retracted_type} = '${type}' THEN ${f.retracted_id} END)`;

/**
 * Entries chosen by `chosen` (a subquery on `feed_entry f`, newest first), each with the records it is
 * about and, when `withSources`, their sources as JSON: the whole page in one statement.
 */
function withRecords(chosen: string, withSources: boolean, previousSources: boolean): string {
  const sources = withSources
    ? `, ${sourcesJson('policy', p.id)} AS p_sources, ${sourcesJson('statement', s.id)} AS s_sources, ${sourcesJson('event', e.id)} AS e_sources`
    : '';
  const previous = previousSources ? `, ${sourcesJson('policy', pp.id)} AS pp_sources` : '';
  return `SELECT ${FEED_COLUMNS}, ${selectList(POLICY_FIELDS, 'p', 'p_')}, ${selectList(POLICY_FIELDS, 'pp', 'pp_')},
       ${selectList(STATEMENT_FIELDS, 's', 's_')}, ${selectList(EVENT_FIELDS, 'e', 'e_')}${sources}${previous}
     FROM (${chosen}) f
     LEFT JOIN policy p ON ${p.id} = ${target(f.policy_id, 'POLICY')}
     LEFT JOIN policy pp ON ${pp.id} = ${f.previous_policy_id}
     LEFT JOIN statement s ON ${s.id} = ${target(f.statement_id, 'STATEMENT')}
     LEFT JOIN event e ON ${e.id} = ${target(f.event_id, 'EVENT')}
     ORDER BY ${f.seq} DESC`;
}

/**
 * A page of the feed: entries meeting `where`, newest first, at most `limit` (a placeholder), with their
 * records, and the records' sources (the replaced versions' apart: a page seldom shows them).
 */
export function feedPageSql(where: string, limit: string, withSources: boolean, previousSources: boolean): string {
  return withRecords(`SELECT * FROM feed_entry f ${where} ORDER BY ${f.seq} DESC LIMIT ${limit}`, withSources, previousSources);
}

/** The entries whose seq is in $1, with their records and sources (not the replaced versions'), newest first: a news feed's items. */
export const FEED_ENTRIES_WITH_RECORDS = withRecords(`SELECT * FROM feed_entry f WHERE ${f.seq} = ANY($1::bigint[])`, true, false);

export function feedCountSql(where: string): string {
  return `SELECT count(*)::int AS n FROM feed_entry f ${where}`;
}

/** Entries meeting `where` (which bounds the seq), oldest first, at most `limit`: a subscription's replay. */
export function feedRangeSql(where: string, limit: string): string {
  return `SELECT ${FEED_COLUMNS} FROM feed_entry f ${where} ORDER BY ${f.seq} LIMIT ${limit}`;
}

/** A row of feedPageSql as the entry and its records. */
export function feedPageRow(row: Record<string, unknown>): FeedPageRow {
  return {
    entry: pickPrefixed<FeedEntryRow>(row, FEED_FIELDS, '', 'seq')!,
    records: {
      policy: sourced(pickPrefixed<PolicyRow>(row, POLICY_FIELDS, 'p_'), row, 'p_sources'),
      previous: sourced(pickPrefixed<PolicyRow>(row, POLICY_FIELDS, 'pp_'), row, 'pp_sources'),
      statement: sourced(pickPrefixed<StatementRow>(row, STATEMENT_FIELDS, 's_'), row, 's_sources'),
      event: sourced(pickPrefixed<EventRow>(row, EVENT_FIELDS, 'e_'), row, 'e_sources'),
    },
  };
}

function sourced<T extends object>(record: T | null, row: Record<string, unknown>, column: string): Sourced<T> | null {
  if (!record || !(column in row)) return record;
  return Object.assign(record, { sources: sourcesFromJson(row[column]) });
}
