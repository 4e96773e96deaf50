/**
 * Column names for hand-written SQL, from src/generated/model.ts (generated from prisma/schema.prisma by
 * scripts/prisma-model.cjs): nothing here copies an @map line, so a column renamed in the schema either
 * follows into the SQL (select lists) or fails the type check (a column named in a statement).
 */

/** A model's fields by the column each is stored in. */
export type FieldColumns = Readonly<Record<string, string>>;

/** A model as src/generated/model.ts describes it. */
export interface ModelTable {
  readonly table: string;
  readonly columns: FieldColumns;
}

/** `alias.column` for each column of `model`, keyed by column: `${p.country_code}` in SQL fails to compile once the column is renamed. */
export function columnsAt<M extends ModelTable, A extends string>(
  model: M,
  alias: A,
): { readonly [C in M['columns'][keyof M['columns']]]: `${A}.${C}` } {
  return Object.fromEntries(Object.values(model.columns).map((column) => [column, `${alias}.${column}`])) as never;
}

/**
 * Each column of `model` by itself, keyed by column: for the places SQL cannot qualify a column (an
 * INSERT's column list, an UPDATE's SET), where `${P.effective_to}` fails to compile once it is renamed.
 */
export function columnsOf<M extends ModelTable>(model: M): { readonly [C in M['columns'][keyof M['columns']]]: C } {
  return Object.fromEntries(Object.values(model.columns).map((column) => [column, column])) as never;
}

/** `alias.column AS "<prefix>field", …`: rows come back in the shape the Prisma model uses. */
export function selectList(fields: FieldColumns, alias: string, prefix = ''): string {
  return Object.entries(fields)
    .map(([field, column]) => `${alias}.${column} AS "${prefix}${field}"`)
    .join(', ');
}

/** The record selected with `prefix` out of a joined row, or null when the join found none. */
export function pickPrefixed<T>(row: Record<string, unknown>, fields: FieldColumns, prefix: string, key = 'id'): T | null {
  if (row[`${prefix}${key}`] === null || row[`${prefix}${key}`] === undefined) return null;
  const record: Record<string, unknown> = {};
  for (const [field, prefixed] of prefixedNames(fields, prefix)) record[field] = row[prefixed];
  return record as T;
}

/** Every page row picks its records by the same names: built once per (fields, prefix), not per row. */
const PREFIXED = new WeakMap<FieldColumns, Map<string, ReadonlyArray<readonly [string, string]>>>();

function prefixedNames(fields: FieldColumns, prefix: string): ReadonlyArray<readonly [string, string]> {
  let byPrefix = PREFIXED.get(fields);
  if (!byPrefix) PREFIXED.set(fields, (byPrefix = new Map()));
  let names = byPrefix.get(prefix);
  if (!names) byPrefix.set(prefix, (names = Object.keys(fields).map((field) => [field, `${prefix}${field}`] as const)));
  return names;
}
