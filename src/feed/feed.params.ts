import { BadUserInputError } from '../common/errors';
import { FeedKind } from '../common/enums';
import { pageSize, type PageSizeLimits } from '../common/pagination';
import { filterList, type ListBound } from '../common/filter-lists';
import type { CountryCatalog } from '../country/country.catalog';
import { FEED_FILTER_LISTS, type FeedFilter } from './feed.filter';

/** The news feeds' query parameters: the GraphQL feed's filter, with the same rules. */
export interface FeedParams {
  filter: FeedFilter | null;
  first: number;
}

const KNOWN = ['country', 'kind', 'nationality', 'first'];
const KINDS = new Set<string>(Object.values(FeedKind));
const isFeedKind = (value: string): value is FeedKind => KINDS.has(value);

/**
 * `country` and `kind` may repeat or be comma-separated (`?country=FI,EE` or
 * `?country=FI&country=EE`), as many values as the GraphQL filter's lists take;
 * `nationality` and `first` are single. An unknown
 * parameter is refused rather than ignored, so a typo does not silently widen the feed.
 */
export function parseFeedParams(query: Record<string, unknown>, catalog: CountryCatalog, limits: PageSizeLimits): FeedParams {
  for (const name of Object.keys(query)) {
    if (!KNOWN.includes(name)) throw new BadUserInputError(name, `unknown parameter; the feeds take ${KNOWN.join(', ')}`);
  }
  const countryCodes = list(query, 'country', FEED_FILTER_LISTS.countryCodes!);
  countryCodes?.forEach((code) => catalog.assertKnown(code, 'country'));
  const kinds = feedKinds(list(query, 'kind', FEED_FILTER_LISTS.kinds!));
  const nationality = single(query, 'nationality');
  if (nationality !== null) catalog.assertKnown(nationality, 'nationality');
  const first = single(query, 'first');
  if (first !== null && !/^\d{1,6}$/.test(first)) throw new BadUserInputError('first', `"${first}" is not a whole number`);

  const filter: FeedFilter = { countryCodes, kinds, nationality };
  return {
    filter: countryCodes || kinds || nationality ? filter : null,
    first: pageSize(first === null ? null : Number(first), limits, 'first'),
  };
}

/** The kinds given, each checked to be a FeedKind (refused, naming it, when one is not). */
function feedKinds(given: string[] | null): FeedKind[] | null {
  if (given === null) return null;
  const kinds = given.filter(isFeedKind);
  const bad = given.find((kind) => !isFeedKind(kind));
  if (bad !== undefined) throw new BadUserInputError('kind', `"${bad}" is not one of ${[...KINDS].join(', ')}`);
  return kinds;
}

function values(query: Record<string, unknown>, name: string): string[] {
  const raw = query[name];
  if (raw === undefined) return [];
  const all = Array.isArray(raw) ? raw : [raw];
  if (!all.every((value): value is string => typeof value === 'string')) throw new BadUserInputError(name, 'must be plain text');
  return all;
}

function list(query: Record<string, unknown>, name: string, bound: ListBound): string[] | null {
  const items = values(query, name).flatMap((value) => value.split(',').map((part) => part.trim()));
  if (items.length === 0) return null;
  if (items.some((item) => item === '')) throw new BadUserInputError(name, 'must not have empty values');
  return filterList(items, name, bound);
}

function single(query: Record<string, unknown>, name: string): string | null {
  const given = values(query, name);
  if (given.length > 1) throw new BadUserInputError(name, 'may be given once');
  return given[0] ?? null;
}
