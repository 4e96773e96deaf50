import DataLoader from 'dataloader';
import { alignTo, groupBy } from './collections';

/** A loader of rows by id: one `WHERE id IN (...)` per tick. */
export function byIdLoader<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => alignTo(ids, await load(ids), (row) => row.id));
}

/** A loader of the children of many parents: `load` returns (parentId, child) pairs. */
export function childrenLoader<T>(load: (ids: readonly string[]) => Promise<Array<{ ownerId: string; value: T }>>): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => {
    const byOwner = groupBy(await load(ids), (pair) => pair.ownerId);
    return ids.map((id) => (byOwner.get(id) ?? []).map((pair) => pair.value));
  });
}

export interface Keyed<A> {
  key: string;
  args: A;
}

/**
 * A loader for a field with arguments on many parents (a country's policies
 * on a date, its statements page...). Parents asking with the same arguments
 * are answered by one call of `load`.
 */
export function withArgsLoader<A, V>(load: (keys: string[], args: A) => Promise<Map<string, V>>, empty: V): DataLoader<Keyed<A>, V, string> {
  return new DataLoader(
    async (requests) => {
      const groups = groupBy(requests, (request) => JSON.stringify(request.args));
      const answers = new Map<string, V>();
      await Promise.all(
        [...groups.entries()].map(async ([argsKey, group]) => {
          const results = await load([...new Set(group.map((r) => r.key))], group[0]!.args);
          for (const [key, value] of results) answers.set(`${key}\u0000${argsKey}`, value);
        }),
      );
      return requests.map((r) => answers.get(`${r.key}\u0000${JSON.stringify(r.args)}`) ?? empty);
    },
    { cacheKeyFn: (request) => `${request.key}\u0000${JSON.stringify(request.args)}` },
  );
}
