import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import { FeedKind, RecordType } from '../common/enums';
import { UnreachableCaseError } from '../common/errors';
import { PageArgs } from '../common/pagination';
import { selectsBelow } from '../common/selection';
import type { FeedEntry } from '../generated/prisma/client';
import type { Context } from '../server/context';
import { FeedFilter } from './feed.filter';
import type { FeedService } from './feed.service';
import { FeedConnection, FeedEdge, FeedItem, type FeedEdgeValue } from './feed.type';

@Resolver(() => FeedEdge)
export class FeedResolver {
  constructor(private readonly service: FeedService) {}

  @Query(() => FeedConnection, { description: 'Every published change, newest first.' })
  async feed(
    @Arg('filter', () => FeedFilter, { nullable: true }) filter: FeedFilter | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    const connection = await this.service.list(filter, page.first, page.after, {
      sources: selectsBelow(info, 'sources'),
      previousSources: selectsBelow(info, 'sources', 'previous'),
    });
    // The page came with its records (and their sources, when selected): the node resolvers find them in
    // the loaders, and the sources resolvers on the records, instead of asking again.
    for (const { records } of connection.edges) {
      if (records?.policy) ctx.loaders.policy.prime(records.policy.id, records.policy);
      if (records?.statement) ctx.loaders.statement.prime(records.statement.id, records.statement);
      if (records?.event) ctx.loaders.event.prime(records.event.id, records.event);
    }
    // Replaced versions last: one may be another entry's new version, read with its sources, and prime keeps the first.
    for (const { records } of connection.edges) if (records?.previous) ctx.loaders.policy.prime(records.previous.id, records.previous);
    return connection;
  }

  @FieldResolver(() => FeedItem)
  node(@Root() edge: FeedEdgeValue, @Ctx() ctx: Context) {
    return feedNode(edge.entry, ctx);
  }
}

/** The union value for an entry; PolicyChange, PolicyInForce and Retraction resolve their parts lazily from the entry. */
export async function feedNode(entry: FeedEntry, ctx: Context): Promise<object | null> {
  switch (entry.kind) {
    case FeedKind.POLICY_CHANGE:
      return { __typename: 'PolicyChange', entry };
    case FeedKind.RETRACTION:
      return { __typename: 'Retraction', entry };
    case FeedKind.POLICY_IN_FORCE:
      return { __typename: 'PolicyInForce', entry };
    case FeedKind.STATEMENT:
      return typedRecord(RecordType.STATEMENT, await ctx.loaders.statement.load(entry.statementId!));
    case FeedKind.EVENT:
      return typedRecord(RecordType.EVENT, await ctx.loaders.event.load(entry.eventId!));
    default:
      throw new UnreachableCaseError(entry.kind);
  }
}

export async function recordOf(type: RecordType, id: string, ctx: Context): Promise<object | null> {
  switch (type) {
    case RecordType.POLICY:
      return typedRecord(type, await ctx.loaders.policy.load(id));
    case RecordType.STATEMENT:
      return typedRecord(type, await ctx.loaders.statement.load(id));
    case RecordType.EVENT:
      return typedRecord(type, await ctx.loaders.event.load(id));
    default:
      throw new UnreachableCaseError(type);
  }
}

const TYPENAME: Record<RecordType, string> = { [RecordType.POLICY]: 'Policy', [RecordType.STATEMENT]: 'Statement', [RecordType.EVENT]: 'Event' };

/** A record row as the Record union resolves it. */
export function typedRecord<T extends object>(type: RecordType, row: T | null): (T & { __typename: string }) | null {
  return row ? { ...row, __typename: TYPENAME[type] } : null;
}

