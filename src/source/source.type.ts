import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../node/node.type';
import { DateScalar, DateTimeScalar } from '../common/scalars';

@ObjectType({ simpleResolvers: true, implements: Node, description: 'Where a fact comes from. Every policy, statement and event has at least one.' })
export class Source {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) publisher!: string | null;
  @Field(() => DateScalar, { nullable: true }) publishedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the page was read for this record.' })
  retrievedAt!: Date | null;
}
