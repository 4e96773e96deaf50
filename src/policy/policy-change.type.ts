import { Field, ObjectType } from 'type-graphql';
import { ChangeDirection } from '../common/enums';
import { Policy } from './policy.type';

@ObjectType({ description: 'A new policy version, with the one it replaced.' })
export class PolicyChange {
  @Field({ description: 'Its position in the feed (the feed edge cursor), to resume a subscription from.' }) cursor!: string;
  @Field(() => Policy) policy!: Policy;
  @Field(() => Policy, { nullable: true, description: 'Null when this is the first version (direction NEW).' })
  previous!: Policy | null;
  @Field(() => ChangeDirection) direction!: ChangeDirection;
}

@ObjectType({
  description:
    'A policy version recorded ahead of time, on the first day (UTC) it is in force: one item per version, written at that midnight (or, had no instance been running then, as soon as one starts).',
})
export class PolicyInForce {
  @Field({ description: 'Its position in the feed (the feed edge cursor), to resume a subscription from.' }) cursor!: string;
  @Field(() => Policy, { description: 'The version now in force; its effectiveFrom is the day.' }) policy!: Policy;
  @Field(() => Policy, { nullable: true, description: 'The version it ends (in force the day before); null when there was none.' })
  previous!: Policy | null;
  @Field(() => ChangeDirection, { description: 'How the version compares with the one it ends.' }) direction!: ChangeDirection;
}
