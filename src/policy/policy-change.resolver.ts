import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ChangeDirection } from '../common/enums';
import type { FeedService } from '../feed/feed.service';
import type { PolicyRow } from '../generated/model';
import type { FeedEntry } from '../generated/prisma/client';
import type { Context } from '../server/context';
import { PolicyChange, PolicyInForce } from './policy-change.type';
import { Policy } from './policy.type';

interface EntryValue {
  entry: FeedEntry;
  /** The versions as the mutation wrote them: its answer needs no read (a feed item's are loaded). */
  policy?: PolicyRow;
  previous?: PolicyRow | null;
}

/**
 * The fields of a feed item about one policy version and the one before it, read from its entry: a
 * PolicyChange (the mutation, the feed and the subscription all answer with one) or a PolicyInForce.
 */
function policyVersionResolver(type: typeof PolicyChange | typeof PolicyInForce) {
  @Resolver(() => type)
  class PolicyVersionItemResolver {
    constructor(readonly feed: FeedService) {}

    @FieldResolver(() => String)
    cursor(@Root() { entry }: EntryValue): string {
      return this.feed.cursorOf(entry.seq);
    }

    @FieldResolver(() => Policy)
    policy(@Root() { entry, policy }: EntryValue, @Ctx() ctx: Context) {
      return policy ?? ctx.loaders.policy.load(entry.policyId!);
    }

    @FieldResolver(() => Policy, { nullable: true })
    previous(@Root() { entry, previous }: EntryValue, @Ctx() ctx: Context) {
      if (previous !== undefined) return previous;
      return entry.previousPolicyId ? ctx.loaders.policy.load(entry.previousPolicyId) : null;
    }

    @FieldResolver(() => ChangeDirection)
    direction(@Root() { entry }: EntryValue): ChangeDirection {
      return entry.direction!;
    }
  }
  return PolicyVersionItemResolver;
}

export const PolicyChangeResolver = policyVersionResolver(PolicyChange);
export const PolicyInForceResolver = policyVersionResolver(PolicyInForce);
