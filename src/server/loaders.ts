import type DataLoader from 'dataloader';
import { byIdLoader, childrenLoader, pairedLoaders, withArgsLoader, type ArgsLoader, type Keyed } from '../common/loader';
import { groupBy } from '../common/collections';
import type { PolicyCategory, VisaRequirement } from '../common/enums';
import type { Page } from '../common/pagination';
import type { EventRow as Event } from '../generated/model';
import type { Policy, Source, Statement } from '../generated/prisma/client';
import type { ReadOptions } from '../source/source.sql';
import type { Services } from './services';

export interface PolicyArgs {
  category: PolicyCategory | null;
  nationality: string;
}

export interface PageArgsValue {
  first: number | null;
  after: string | null;
}

/**
 * Per-request batching: whatever a query asks of many parents costs one SQL
 * statement per field, not one per parent.
 */
export function createLoaders(s: Services) {
  return {
    policy: byIdLoader((ids) => s.policies.byIds(ids)),
    statement: byIdLoader((ids) => s.statements.byIds(ids)),
    event: byIdLoader((ids) => s.events.byIds(ids)),
    source: byIdLoader((ids) => s.sources.byIds(ids)),
    /** Keyed by sourceKey(kind, id): one statement for the sources of every kind of record. */
    sources: childrenLoader<Source>((keys) => s.sources.of(keys)),
    eventCountries: childrenLoader<string>(async (ids) =>
      (await s.events.countriesOf(ids)).map((row) => ({ ownerId: row.eventId, value: row.countryCode })),
    ),
    statementPolicyIds: childrenLoader<string>(async (ids) =>
      (await s.statements.policyIdsFor(ids)).map((row) => ({ ownerId: row.statementId, value: row.policyId })),
    ),
    // A country page's policies on a day and its history: one statement when asked together (pairedLoaders).
    ...countryPolicyLoaders(s),
    /** Who may enter each country: the versions in force for every nationality (src/nationality). */
    entriesInForce: withArgsLoader<{ date: string }, Policy[]>(async (codes, args) => {
      const rows = await s.policies.inForceForAll(codes, new Date(args.date), null);
      return groupBy(rows, (row) => row.countryCode);
    }, []),
    /** Each nationality's visa rules in force, counted by requirement (src/nationality). */
    visaCounts: withArgsLoader<{ date: string }, Map<VisaRequirement | null, number>>(async (codes, args) => {
      const rows = await s.policies.visaCountsInForce(codes, new Date(args.date));
      const counts = new Map(codes.map((code) => [code, new Map<VisaRequirement | null, number>()]));
      for (const row of rows) counts.get(row.nationality)?.set(row.visaRequirement, row.n);
      return counts;
    }, new Map()),
    countryStatements: withArgsLoader<PageArgsValue & ReadOptions, Page<Statement> | null>(
      (codes, args) => s.statements.byCountries(codes, args.first, args.after, args),
      null,
    ),
    countryEvents: withArgsLoader<PageArgsValue & ReadOptions, Page<Event> | null>(
      (codes, args) => s.events.byCountries(codes, args.first, args.after, args),
      null,
    ),
  };
}

type InForceArgs = PolicyArgs & { date: string; fields?: string | null; sources?: boolean };
type HistoryArgs = PolicyArgs & PageArgsValue & ReadOptions;

function countryPolicyLoaders(s: Services): { policiesInForce: ArgsLoader<InForceArgs, Policy[]>; policyHistory: ArgsLoader<HistoryArgs, Page<Policy> | null> } {
  const inForce = async (codes: readonly string[], args: InForceArgs) =>
    groupBy(await s.policies.inForce(codes, new Date(args.date), args, args.fields ?? null, { sources: args.sources ?? false }), (row) => row.countryCode);
  const history = (codes: readonly string[], args: HistoryArgs) => s.policies.history(codes, args, args.first, args.after, args);
  const { one, other } = pairedLoaders<InForceArgs, Policy[], HistoryArgs, Page<Policy> | null>(inForce, history, async (at, page) => {
    const both = await s.policies.inForceAndHistory(
      { codes: at.keys, date: new Date(at.args.date), scope: at.args, options: { sources: at.args.sources ?? false } },
      { codes: page.keys, scope: page.args, first: page.args.first, after: page.args.after, options: page.args },
    );
    return [groupBy(both.inForce, (row) => row.countryCode), both.history];
  }, { one: [], other: null });
  return { policiesInForce: one, policyHistory: other };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type { Keyed, DataLoader };
