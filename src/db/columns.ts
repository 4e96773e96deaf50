/** A model's fields by the column each is stored in. */
export type FieldColumns = Readonly<Record<string, string>>;

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
  for (const field of Object.keys(fields)) record[field] = row[`${prefix}${field}`];
  return record as T;
}
