import { Field, ObjectType } from 'type-graphql';
import { Policy } from '../policy/policy.type';
import { Nationality } from './nationality.type';

@ObjectType({ simpleResolvers: true, description: "One nationality's rules for entering one country on one day: Destination seen from the country." })
export class Entry {
  @Field(() => Nationality) nationality!: Nationality;
  @Field(() => Policy, { nullable: true, description: 'The VISA version in force, if any.' }) visa!: Policy | null;
  @Field(() => [Policy], { description: 'Every version in force, one per category.' }) policies!: Policy[];
}
