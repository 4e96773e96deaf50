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
