import { createUnionType, Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/connection';
import { FeedKind } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';
import { Event } from '../event/event.type';
import { Policy } from '../policy/policy.type';
import { Statement } from '../statement/statement.type';
import { PolicyChange, PolicyInForce } from '../policy/policy-change.type';
import type { FeedEntry } from '../generated/prisma/client';
import type { FeedRecords } from './feed.sql';

/** Every value of the feed unions carries its GraphQL type name. */
export interface Typed {
  __typename: string;
}

const byTypename = (value: unknown): string => (value as Typed).__typename;

export const RecordUnion = createUnionType({
  name: 'Record',
  description: 'Anything that can be retracted.',
  types: () => [Policy, Statement, Event] as const,
  resolveType: byTypename,
});

@ObjectType({ description: 'A record found to be wrong. It stays readable, marked retracted; nothing is deleted.' })
export class Retraction {
  @Field(() => RecordUnion) target!: typeof RecordUnion;
  @Field() reason!: string;
}

export const FeedItem = createUnionType({
  name: 'FeedItem',
  types: () => [PolicyChange, Statement, Event, Retraction, PolicyInForce] as const,
  resolveType: byTypename,
});

@ObjectType({ description: 'One published change. The same type comes from the feed query and the feed subscription.' })
export class FeedEdge {
  @Field({ description: 'Opaque position in the feed; one cursor space for the query and the subscription.' })
  cursor!: string;
  @Field(() => FeedKind) kind!: FeedKind;
  @Field(() => DateTimeScalar, { description: 'When the change was committed.' }) committedAt!: Date;
  @Field(() => FeedItem) node!: typeof FeedItem;
}

/** What feed edges carry before their node is resolved. */
export interface FeedEdgeValue {
  cursor: string;
  kind: FeedEntry['kind'];
  committedAt: Date;
  entry: FeedEntry;
  /** The records the entry is about, when the page was read with them. */
  records?: FeedRecords;
}


@ObjectType({ simpleResolvers: true, description: 'The news feed, newest first.' })
export class FeedConnection {
  @Field(() => [FeedEdge]) edges!: FeedEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Number of items matching the filter.' }) totalCount!: () => Promise<number>;
}
