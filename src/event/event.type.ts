import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Node } from '../node/node.type';
import { EventKind, FigureQualifier, Verification } from '../common/enums';
import { DateScalar, DateTimeScalar } from '../common/scalars';

@ObjectType({ simpleResolvers: true, description: 'A number a source gives, as precisely as it gives it.' })
export class Figure {
  @Field(() => Float) value!: number;
  @Field({ description: 'What is counted, e.g. "people".' }) unit!: string;
  @Field(() => FigureQualifier, { nullable: true }) qualifier!: FigureQualifier | null;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: 'Something that happened around the policies: a war, a decree, a count of arrivals.' })
export class Event {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => EventKind) kind!: EventKind;
  @Field(() => DateScalar) occurredOn!: Date;
  @Field(() => String, { nullable: true, description: 'Where it happened (ISO alpha-2).' }) countryCode!: string | null;
  @Field(() => Verification) verification!: Verification;
  @Field(() => DateTimeScalar) recordedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) retractedAt!: Date | null;
  @Field(() => String, { nullable: true }) retractionReason!: string | null;
}
