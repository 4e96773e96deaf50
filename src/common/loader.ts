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

/** A field's loader by key and arguments (withArgsLoader's, or one side of pairedLoaders). */
export interface ArgsLoader<A, V> {
  load(request: Keyed<A>): Promise<V>;
}

/**
 * Two fields with arguments on the same parents (a country's policies on a day and its history), each
 * batched as withArgsLoader does. When one tick asks each with one set of arguments, as a country page
 * does, `both` answers the two in one call (one SQL statement) instead of one each.
 */
export function pairedLoaders<A, VA, B, VB>(
  one: (keys: string[], args: A) => Promise<Map<string, VA>>,
  other: (keys: string[], args: B) => Promise<Map<string, VB>>,
  both: (a: { keys: string[]; args: A }, b: { keys: string[]; args: B }) => Promise<[Map<string, VA>, Map<string, VB>]>,
  empty: { one: VA; other: VB },
): { one: ArgsLoader<A, VA>; other: ArgsLoader<B, VB> } {
  type Request = { side: 'one'; key: string; args: A } | { side: 'other'; key: string; args: B };
  const argsKey = (request: Request) => `${request.side}\u0000${JSON.stringify(request.args)}`;
  const loader = new DataLoader<Request, VA | VB, string>(
    async (requests) => {
      const groups = [...groupBy(requests, argsKey).entries()];
      const answers = new Map<string, VA | VB | Error>();
      const keep = (group: string, results: Map<string, VA | VB>) => {
        for (const [key, value] of results) answers.set(`${key}\u0000${group}`, value);
      };
      // An error is its group's alone (a bad argument of one field), as with two separate loaders.
      const fail = (group: readonly Request[], error: unknown) => {
        for (const r of group) answers.set(`${r.key}\u0000${argsKey(r)}`, error instanceof Error ? error : new Error(String(error)));
      };
      const keysOf = (group: readonly Request[]) => [...new Set(group.map((r) => r.key))];
      const ones = groups.filter(([, group]) => group[0]!.side === 'one');
      const others = groups.filter(([, group]) => group[0]!.side === 'other');
      let apart = true;
      if (ones.length === 1 && others.length === 1) {
        const [[oneKey, oneGroup], [otherKey, otherGroup]] = [ones[0]!, others[0]!];
        try {
          const [a, b] = await both({ keys: keysOf(oneGroup), args: oneGroup[0]!.args as A }, { keys: keysOf(otherGroup), args: otherGroup[0]!.args as B });
          keep(oneKey, a);
          keep(otherKey, b);
          apart = false;
        } catch {
          // Asked apart below, so that each field gets its own answer or error.
        }
      }
      if (apart) {
        await Promise.all([
          ...ones.map(([group, list]) => one(keysOf(list), list[0]!.args as A).then((results) => keep(group, results), (error: unknown) => fail(list, error))),
          ...others.map(([group, list]) => other(keysOf(list), list[0]!.args as B).then((results) => keep(group, results), (error: unknown) => fail(list, error))),
        ]);
      }
      return requests.map((r) => answers.get(`${r.key}\u0000${argsKey(r)}`) ?? (r.side === 'one' ? empty.one : empty.other));
    },
    { cacheKeyFn: (request) => `${request.key}\u0000${argsKey(request)}` },
  );
  return {
    one: { load: (request) => loader.load({ side: 'one', ...request }) as Promise<VA> },
    other: { load: (request) => loader.load({ side: 'other', ...request }) as Promise<VB> },
  };
}
