import type DataLoader from 'dataloader';
import { byIdLoader, childrenLoader, withArgsLoader, type Keyed } from '../common/loader';
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
    policiesInForce: withArgsLoader<PolicyArgs & { date: string; fields?: string | null; sources?: boolean }, Policy[]>(async (codes, args) => {
      const rows = await s.policies.inForce(codes, new Date(args.date), args, args.fields ?? null, { sources: args.sources ?? false });
      return groupBy(rows, (row) => row.countryCode);
    }, []),
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
    policyHistory: withArgsLoader<PolicyArgs & PageArgsValue & ReadOptions, Page<Policy> | null>(
      (codes, args) => s.policies.history(codes, args, args.first, args.after, args),
      null,
    ),
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

export type Loaders = ReturnType<typeof createLoaders>;
export type { Keyed, DataLoader };
