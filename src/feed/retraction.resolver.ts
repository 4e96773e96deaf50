import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { FeedEntry } from '../generated/prisma/client';
import type { Context } from '../server/context';
import { RecordUnion, Retraction } from './feed.type';
import { recordOf, typedRecord } from './feed.resolver';
import type { RetractionService } from './retraction.service';

interface EntryValue {
  entry: FeedEntry;
  /** The record as the mutation retracted it (a feed item's is loaded). */
  record?: object;
}

/** Retraction: the `retract` mutation and the feed item it publishes (the work is RetractionService's). */
@Resolver(() => Retraction)
export class RetractionResolver {
  constructor(private readonly retractions: RetractionService) {}

  @Authorized()
  @Mutation(() => Retraction, {
    description: 'Marks a policy version, statement or event as wrong, with the reason. Nothing is deleted; the retraction is a feed item. Editors only.',
  })
  async retract(@Arg('id', () => ID) id: string, @Arg('reason') reason: string): Promise<EntryValue> {
    return await this.retractions.retract(id, reason);
  }

  @FieldResolver(() => RecordUnion)
  target(@Root() { entry, record }: EntryValue, @Ctx() ctx: Context) {
    return record ? typedRecord(entry.retractedType!, record) : recordOf(entry.retractedType!, entry.retractedId!, ctx);
  }

  @FieldResolver(() => String)
  reason(@Root() { entry }: EntryValue): string {
    return entry.reason ?? '';
  }
}
