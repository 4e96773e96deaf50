import { Field, InputType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../common/scalars';

@InputType({ description: 'A source for a record. A URL already known keeps the title it was first given.' })
export class SourceInput {
  @Field({ description: 'Absolute http(s) URL.' }) url!: string;
  @Field({ description: 'The headline, or a description in [brackets] when the page has none.' }) title!: string;
  @Field(() => String, { nullable: true }) publisher?: string | null;
  @Field(() => DateScalar, { nullable: true }) publishedAt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) retrievedAt?: Date | null;
}
