import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ChangeDirection } from '../common/enums';
import type { FeedEntry } from '../generated/prisma/client';
import { Policy } from '../policy/policy.type';
import type { Context } from '../server/context';
import { PolicyChange, RecordUnion, Retraction } from './feed.type';
import { recordOf } from './feed.resolver';
import type { FeedService } from './feed.service';

interface EntryValue {
  entry: FeedEntry;
}

@Resolver(() => PolicyChange)
export class PolicyChangeResolver {
  constructor(private readonly feed: FeedService) {}

  @FieldResolver(() => String)
  cursor(@Root() { entry }: EntryValue): string {
    return this.feed.cursorOf(entry.seq);
  }

  @FieldResolver(() => Policy)
  policy(@Root() { entry }: EntryValue, @Ctx() ctx: Context) {
    return ctx.loaders.policy.load(entry.policyId!);
  }

  @FieldResolver(() => Policy, { nullable: true })
  previous(@Root() { entry }: EntryValue, @Ctx() ctx: Context) {
    return entry.previousPolicyId ? ctx.loaders.policy.load(entry.previousPolicyId) : null;
  }

  @FieldResolver(() => ChangeDirection)
  direction(@Root() { entry }: EntryValue): ChangeDirection {
    return entry.direction!;
  }
}

@Resolver(() => Retraction)
export class RetractionResolver {
  @FieldResolver(() => RecordUnion)
  target(@Root() { entry }: EntryValue, @Ctx() ctx: Context) {
    return recordOf(entry.retractedType!, entry.retractedId!, ctx);
  }

  @FieldResolver(() => String)
  reason(@Root() { entry }: EntryValue): string {
    return entry.reason ?? '';
  }
}
