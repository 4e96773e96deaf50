import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import type { FeedEntry } from '../generated/prisma/client';
import type { Context } from '../server/context';
import { FeedFilter } from './feed.filter';
import type { FeedService } from './feed.service';
import { PolicyChange } from '../policy/policy-change.type';
import { FeedEdge, type FeedEdgeValue } from './feed.type';
import { PolicyChangedFilter } from './policy-changed.filter';

interface SubscribeData<A> {
  args: A;
  context: Context;
}

interface FeedArgs {
  filter?: FeedFilter | null;
  after?: string | null;
}

interface PolicyChangedArgs {
  filter?: PolicyChangedFilter | null;
  after?: string | null;
}

@Resolver()
export class FeedSubscriptionResolver {
  constructor(private readonly feedService: FeedService) {}

  @Subscription(() => FeedEdge, {
    description:
      'Every matching feed item as it commits, in commit order. With `after` (a cursor from the feed query or an earlier edge), first every matching item committed after it, then live ones: no gap, no duplicate.',
    subscribe: ({ args, context }: SubscribeData<FeedArgs>) => context.streams.entries(args.filter, args.after, context.client),
  })
  feed(
    @Root() entry: FeedEntry,
    @Arg('filter', () => FeedFilter, { nullable: true }) _filter: FeedFilter | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): FeedEdgeValue {
    return this.feedService.edge(entry);
  }

  @Subscription(() => PolicyChange, {
    description: 'Policy changes only, as they commit. `after` resumes from a feed cursor (PolicyChange.cursor).',
    subscribe: ({ args, context }: SubscribeData<PolicyChangedArgs>) => context.streams.policyChanges(args.filter, args.after, context.client),
  })
  policyChanged(
    @Root() entry: FeedEntry,
    @Arg('filter', () => PolicyChangedFilter, { nullable: true }) _filter: PolicyChangedFilter | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ) {
    return { entry };
  }
}
