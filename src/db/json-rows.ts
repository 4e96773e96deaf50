import type { ModelTable } from './columns';

type FieldOf<M extends ModelTable> = keyof M['columns'] & string;

/** For each field a JSON row carries, its SQL type in the row set (an enum's type casts the text on the way in). */
export type JsonFieldTypes<M extends ModelTable> = { readonly [F in FieldOf<M>]?: string };

export interface InsertFromJsonOptions<M extends ModelTable> {
  /** Fields computed in SQL rather than sent: `{ recordedAt: 'clock_timestamp()' }`. */
  computed?: { readonly [F in FieldOf<M>]?: string };
  /** Insert in the order of each row's `ord` (so clock_timestamp() and serials follow the rows). */
  ordered?: boolean;
  /** `ON CONFLICT …`, verbatim. */
  onConflict?: string;
}

/**
 * `INSERT INTO <table> (<columns>) SELECT … FROM jsonb_to_recordset($1::jsonb) AS t(…)`: many rows in
 * one statement with one parameter, a JSON array of objects keyed by the model's field names. Columns
 * and table come from src/generated/model.ts, so the statement follows a column renamed in the schema,
 * and a field it names that the model no longer has fails the type check.
 */
export function insertFromJson<M extends ModelTable>(model: M, fields: JsonFieldTypes<M>, options: InsertFromJsonOptions<M> = {}): string {
  const sent = Object.entries(fields) as Array<[string, string]>;
  const computed = Object.entries(options.computed ?? {}) as Array<[string, string]>;
  const columns = [...sent, ...computed].map(([field]) => model.columns[field]);
  const values = [...sent.map(([field]) => `t."${field}"`), ...computed.map(([, expression]) => expression)];
  const recordSet = [...(options.ordered ? ['ord int'] : []), ...sent.map(([field, type]) => `"${field}" ${type}`)];
  return [
    `INSERT INTO ${model.table} (${columns.join(', ')})`,
    `SELECT ${values.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS t(${recordSet.join(', ')})`,
    ...(options.ordered ? ['ORDER BY t.ord'] : []),
    ...(options.onConflict ? [options.onConflict] : []),
  ].join('\n');
}
