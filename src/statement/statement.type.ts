import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../node/node.type';
import { StatementMedium, TimePrecision, Verification } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

@ObjectType({ simpleResolvers: true, implements: Node, description: 'Something an official said, with when, where and the exact words.' })
export class Statement {
  @Field(() => ID) id!: string;
  @Field() speaker!: string;
  @Field(() => String, { nullable: true, description: 'e.g. "Minister of Foreign Affairs of Lithuania".' })
  speakerRole!: string | null;
  @Field(() => String, { nullable: true, description: 'The country the speaker speaks for (ISO alpha-2).' })
  countryCode!: string | null;
  @Field(() => DateTimeScalar) saidAt!: Date;
  @Field(() => TimePrecision, { description: 'DAY when only the date of saidAt is known.' }) saidAtPrecision!: TimePrecision;
  @Field({ description: 'The words as said (or as published in translation; see language).' }) text!: string;
  @Field({ description: 'BCP 47 language tag of text, e.g. "en".' }) language!: string;
  @Field(() => StatementMedium) medium!: StatementMedium;
  @Field(() => ID, { nullable: true }) replyToId!: string | null;
  @Field(() => Verification) verification!: Verification;
  @Field(() => DateTimeScalar) recordedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) retractedAt!: Date | null;
  @Field(() => String, { nullable: true }) retractionReason!: string | null;
}
