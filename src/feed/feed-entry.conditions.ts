import { FeedKind } from '../common/enums';
import { Conditions } from '../db/sql';
import type { FeedEntryRow } from '../generated/model';
import type { FeedFilter } from './feed.filter';
import { f } from './feed.sql';
import type { PolicyChangedFilter } from './policy-changed.filter';

/**
 * A subscription filter is written once, as data (a list of conditions on a feed entry), and compiled
 * twice from it: to SQL for pages and replays (`toSql`), and to the predicate the fan-out runs on each
 * entry it delivers live (`toPredicate`). The two must agree, or a client that resumes sees other
 * entries than one that stayed connected; test/integration/feed-conditions.test.ts checks that they do
 * on generated entries.
 */
export type EntryCondition =
  /** The field (an enum, null never matches) is one of `values`. */
  | { test: 'oneOf'; field: EnumField; values: readonly string[] }
  /** The field equals `value`; with `orNull`, an entry without one matches too. */
  | { test: 'equals'; field: 'nationality'; value: string; orNull: boolean }
  /** The list field shares at least one value with `values`. */
  | { test: 'overlaps'; field: 'countryCodes'; values: readonly string[] };

/** The enum fields a filter tests, by their PostgreSQL type (for the array parameter's cast). */
const ENUM_TYPES = { kind: 'FeedKind', category: 'PolicyCategory', status: 'PolicyStatus' } as const;
type EnumField = keyof typeof ENUM_TYPES & keyof FeedEntryRow;

/** Each tested field's column (alias `f`), from the generated model. */
const COLUMNS = {
  kind: f.kind,
  category: f.category,
  status: f.status,
  nationality: f.nationality,
  countryCodes: f.country_codes,
} as const satisfies Record<EntryCondition['field'], string>;

/** The conditions added to `where` (alias `f` for feed_entry). */
export function toSql(conditions: readonly EntryCondition[], where = new Conditions()): Conditions {
  for (const condition of conditions) {
    const column = COLUMNS[condition.field];
    switch (condition.test) {
      case 'oneOf':
        where.add(`${column} = ANY(?::"${ENUM_TYPES[condition.field]}"[])`, condition.values);
        break;
      case 'equals':
        where.add(condition.orNull ? `(${column} = ? OR ${column} IS NULL)` : `${column} = ?`, condition.value);
        break;
      case 'overlaps':
        where.add(`${column} && ?::varchar[]`, condition.values);
        break;
    }
  }
  return where;
}

/** The same conditions as a test of an entry in memory. */
export function toPredicate(conditions: readonly EntryCondition[]): (entry: FeedEntryRow) => boolean {
  const tests = conditions.map((condition): ((entry: FeedEntryRow) => boolean) => {
    switch (condition.test) {
      case 'oneOf': {
        const values = new Set(condition.values);
        return (entry) => entry[condition.field] !== null && values.has(entry[condition.field]!);
      }
      case 'equals':
        return (entry) => entry[condition.field] === condition.value || (condition.orNull && entry[condition.field] === null);
      case 'overlaps': {
        const values = new Set(condition.values);
        return (entry) => entry[condition.field].some((value) => values.has(value));
      }
    }
  });
  return (entry) => tests.every((test) => test(entry));
}

/** `feed` and `feedItems`: statements and events concern no single nationality, so they match any. */
export function feedFilterConditions(filter: FeedFilter | null | undefined): EntryCondition[] {
  const conditions: EntryCondition[] = [];
  if (filter?.kinds) conditions.push({ test: 'oneOf', field: 'kind', values: filter.kinds });
  if (filter?.nationality) conditions.push({ test: 'equals', field: 'nationality', value: filter.nationality, orNull: true });
  if (filter?.countryCodes) conditions.push({ test: 'overlaps', field: 'countryCodes', values: filter.countryCodes });
  return conditions;
}

/** `policyChanged`: policy changes only, by country, category, the new version's status and nationality. */
export function policyChangedConditions(filter: PolicyChangedFilter | null | undefined): EntryCondition[] {
  const conditions: EntryCondition[] = [{ test: 'oneOf', field: 'kind', values: [FeedKind.POLICY_CHANGE] }];
  if (filter?.countryCodes) conditions.push({ test: 'overlaps', field: 'countryCodes', values: filter.countryCodes });
  if (filter?.categories) conditions.push({ test: 'oneOf', field: 'category', values: filter.categories });
  if (filter?.statuses) conditions.push({ test: 'oneOf', field: 'status', values: filter.statuses });
  if (filter?.nationality) conditions.push({ test: 'equals', field: 'nationality', value: filter.nationality, orNull: false });
  return conditions;
}
