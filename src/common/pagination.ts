import { ArgsType, Field, Int } from 'type-graphql';
import { groupBy } from './collections';
import { BadUserInputError } from './errors';
import { once } from './once';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size: 20 by default, at most 100 (PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge already seen; the page starts after it.' })
  after?: string | null;
}

export interface PageSizeLimits {
  default: number;
  max: number;
}

/** A refused size rather than a silently clamped one: the client learns the limit. */
export function pageSize(first: number | null | undefined, limits: PageSizeLimits, field = 'first'): number {
  if (first === null || first === undefined) return limits.default;
  if (!Number.isInteger(first) || first < 0 || first > limits.max) {
    throw new BadUserInputError(field, `must be between 0 and ${limits.max}`);
  }
  return first;
}

export interface PageInfoShape {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** What a connection resolver returns; `totalCount` runs its query only when asked for. */
export interface Connection<E> {
  edges: E[];
  pageInfo: PageInfoShape;
  totalCount: () => Promise<number>;
}

export type Page<T> = Connection<Edge<T>>;

/**
 * Builds a page from `size + 1` fetched rows: the extra row, when present,
 * only tells that there is a next page.
 */
export function toPage<T>(
  rows: readonly T[],
  size: number,
  hasCursor: boolean,
  cursorOf: (row: T) => string,
  count: () => Promise<number>,
): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: once(count),
  };
}

/**
 * Splits rows fetched for many parents at once (each parent's first `size + 1`)
 * into one page per parent. `counts` runs once, for all parents, if any page's
 * totalCount is selected.
 */
export function pagesPerParent<T>(
  parents: readonly string[],
  rows: readonly T[],
  parentOf: (row: T) => string,
  size: number,
  hasCursor: boolean,
  cursorOf: (row: T) => string,
  counts: () => Promise<Map<string, number>>,
): Map<string, Page<T>> {
  const byParent = groupBy(rows, parentOf);
  const allCounts = once(counts);
  return new Map(
    parents.map((parent) => [
      parent,
      toPage(byParent.get(parent) ?? [], size, hasCursor, cursorOf, async () => (await allCounts()).get(parent) ?? 0),
    ]),
  );
}
