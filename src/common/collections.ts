export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Orders `rows` to match `keys` (DataLoader's contract), null where a key has no row. */
export function alignTo<T, K>(keys: readonly K[], rows: readonly T[], key: (row: T) => K): Array<T | null> {
  const byKey = new Map(rows.map((row) => [key(row), row]));
  return keys.map((k) => byKey.get(k) ?? null);
}
