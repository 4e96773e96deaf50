import { Field, ID, InputType } from 'type-graphql';
import { StatementMedium, TimePrecision, Verification } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';
import { SourceInput } from '../source/source.input';

@InputType({ description: 'Something an official said.' })
export class AddStatementInput {
  @Field() speaker!: string;
  @Field(() => String, { nullable: true }) speakerRole?: string | null;
  @Field(() => ID, { nullable: true }) countryCode?: string | null;
  @Field(() => DateTimeScalar) saidAt!: Date;
  @Field(() => TimePrecision, { nullable: true, description: 'DAY when absent: only the date of saidAt is claimed.' })
  saidAtPrecision?: TimePrecision | null;
  @Field({ description: 'The exact words.' }) text!: string;
  @Field(() => String, { nullable: true, description: 'BCP 47 tag; "en" when absent.' }) language?: string | null;
  @Field(() => StatementMedium) medium!: StatementMedium;
  @Field(() => ID, { nullable: true }) replyToId?: string | null;
  @Field(() => [ID], { nullable: true }) relatedPolicyIds?: string[] | null;
  @Field(() => Verification, { nullable: true }) verification?: Verification | null;
  @Field(() => [SourceInput], { description: 'At least one.' }) sources!: SourceInput[];
}
