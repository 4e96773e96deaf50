import { BadUserInputError } from './errors';

/** ISO 3166-1 assigns 249 alpha-2 codes: no filter can name more distinct countries. */
export const MAX_COUNTRY_CODES = 250;

/** How many values a filter's list may hold: a number, or the enum whose values it lists (each at most once). */
export type ListBound = number | Readonly<Record<string, string>>;

/** The list fields of a filter input and their bounds, written next to the filter's class. */
export type FilterLists<F> = { readonly [K in keyof F]?: ListBound };

/**
 * The one rule for every list in a filter (countryCodes, kinds, categories, statuses), on every
 * transport (GraphQL over HTTP and WebSocket, the news feeds' parameters): at most as many values
 * as the list can mean (MAX_COUNTRY_CODES countries; an enum's size), repeats included, or
 * BAD_USER_INPUT naming the field; then each value once, in the order given.
 */
export function filterList<T>(values: readonly T[], field: string, bound: ListBound): T[] {
  const max = typeof bound === 'number' ? bound : Object.keys(bound).length;
  if (values.length > max) throw new BadUserInputError(field, `at most ${max} values (got ${values.length})`);
  return [...new Set(values)];
}

/** `filter` with each of `lists` bounded and without repeats (a copy when anything changes); `root` names the argument. */
export function boundedLists<F extends object>(filter: F, lists: FilterLists<F>, root = 'filter'): F {
  let bounded = filter;
  for (const name of Object.keys(lists) as Array<keyof F & string>) {
    const values = filter[name];
    if (!Array.isArray(values)) continue;
    const unique = filterList(values, `${root}.${name}`, lists[name]!);
    if (unique.length < values.length) bounded = { ...bounded, [name]: unique };
  }
  return bounded;
}
