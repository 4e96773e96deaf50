import { AppError } from '../common/errors';
import { columnsAt, selectList } from '../db/columns';
import type { Sql } from '../db/sql';
import { EventSourceTable, PolicySourceTable, SourceTable, StatementSourceTable, type SourceRow } from '../generated/model';

export type SourcedKind = 'policy' | 'statement' | 'event';

/** What a page reads besides its records. */
export interface ReadOptions {
  /** Each record's sources, in the page's statement (the query selects them). */
  sources: boolean;
}

export const NO_SOURCES: ReadOptions = { sources: false };

/**
 * The rows of a page read (`text(sources)`), with its records' sources when `sources`. Should that
 * statement fail unexpectedly, the page is read again without them: the failure stays the sources
 * fields' own (their resolvers load them, and the error names their path while the rest answers), as
 * when sources were a statement of their own. A client's error (a bad argument) is not read twice.
 */
export async function pageRows<T extends object>(sql: Sql, text: (sources: boolean) => string, values: unknown[], sources: boolean): Promise<T[]> {
  if (!sources) return sql.rows<T>(text(false), values);
  try {
    return await sql.rows<T>(text(true), values);
  } catch (error) {
    if (error instanceof AppError) throw error;
    return sql.rows<T>(text(false), values);
  }
}

/** A row read with a `sources` JSON column (sourcesJson), with its sources as records; a row without, as it is. */
export function withSources<T extends { sources?: unknown }>(row: T): Sourced<Omit<T, 'sources'>> {
  if (!('sources' in row)) return row as Sourced<Omit<T, 'sources'>>;
  const { sources, ...record } = row;
  return { ...record, sources: sourcesFromJson(sources) };
}

/** A record read with its sources (a page asked for them): the sources field resolvers answer from it. */
export type Sourced<T> = T & { sources?: SourceRow[] };

const src = columnsAt(SourceTable, 'src');
const SOURCE_COLUMNS = selectList(SourceTable.columns, 'src');

/** Each kind's link table, its owner column and the link's position column, from the model. */
const LINKS = {
  policy: { table: PolicySourceTable.table, owner: PolicySourceTable.columns.policyId, source: PolicySourceTable.columns.sourceId, position: PolicySourceTable.columns.position },
  statement: {
    table: StatementSourceTable.table,
    owner: StatementSourceTable.columns.statementId,
    source: StatementSourceTable.columns.sourceId,
    position: StatementSourceTable.columns.position,
  },
  event: { table: EventSourceTable.table, owner: EventSourceTable.columns.eventId, source: EventSourceTable.columns.sourceId, position: EventSourceTable.columns.position },
} as const satisfies Record<SourcedKind, { table: string; owner: string; source: string; position: string }>;

export const SOURCES_BY_IDS = `SELECT ${SOURCE_COLUMNS} FROM source src WHERE ${src.id} = ANY($1::uuid[])`;

/**
 * The sources of any mix of policies ($1), statements ($2) and events ($3), each row with its
 * owner as `<kind>:<id>` and in the order the record's sources were given.
 */
export const SOURCES_OF = `${(Object.keys(LINKS) as SourcedKind[])
  .map((kind, index) => {
    const link = LINKS[kind];
    return `SELECT '${kind}:' || l.${link.owner} AS "ownerId", l.${link.position} AS position, ${SOURCE_COLUMNS}
     FROM ${link.table} l JOIN source src ON ${src.id} = l.${link.source} WHERE l.${link.owner} = ANY($${index + 1}::uuid[])`;
  })
  .join('\nUNION ALL\n')}\nORDER BY "ownerId", position, url`;

const SOURCE_JSON = `json_build_object(${Object.entries(SourceTable.columns)
  .map(([field, column]) => `'${field}', src.${column}`)
  .join(', ')})`;

/**
 * A correlated subquery: the sources of the `kind` record whose id is `owner` (an SQL expression),
 * as a JSON array in the order SOURCES_OF gives, or null when it has none. Read it with sourcesFromJson.
 */
export function sourcesJson(kind: SourcedKind, owner: string): string {
  const link = LINKS[kind];
  // The CASE skips the subquery for a record a join did not find (a feed entry is about one kind).
  return `CASE WHEN ${owner} IS NOT NULL THEN (SELECT json_agg(${SOURCE_JSON} ORDER BY l.${link.position}, ${src.url})
     FROM ${link.table} l JOIN source src ON ${src.id} = l.${link.source} WHERE l.${link.owner} = ${owner}) END`;
}

interface SourceJson {
  id: string;
  url: string;
  title: string;
  publisher: string | null;
  publishedAt: string | null;
  retrievedAt: string | null;
}

/** A sourcesJson column as rows of the shape Sql returns (dates as Date: a calendar date at UTC midnight). */
export function sourcesFromJson(value: unknown): SourceRow[] {
  if (!Array.isArray(value)) return [];
  return (value as SourceJson[]).map((row) => ({
    id: row.id,
    url: row.url,
    title: row.title,
    publisher: row.publisher,
    publishedAt: row.publishedAt === null ? null : new Date(`${row.publishedAt}T00:00:00Z`),
    retrievedAt: row.retrievedAt === null ? null : new Date(row.retrievedAt),
  }));
}
