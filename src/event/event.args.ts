import { Field, Float, ID, InputType } from 'type-graphql';
import { EventKind, FigureQualifier, Verification } from '../common/enums';
import { DateScalar } from '../common/scalars';
import { SourceInput } from '../source/source.input';

@InputType()
export class FigureInput {
  @Field(() => Float) value!: number;
  @Field() unit!: string;
  @Field(() => FigureQualifier, { nullable: true }) qualifier?: FigureQualifier | null;
}

@InputType({ description: 'Something that happened.' })
export class AddEventInput {
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => EventKind) kind!: EventKind;
  @Field(() => DateScalar) occurredOn!: Date;
  @Field(() => ID, { nullable: true, description: 'Where it happened.' }) countryCode?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Other countries involved.' }) countryCodes?: string[] | null;
  @Field(() => FigureInput, { nullable: true }) figure?: FigureInput | null;
  @Field(() => Verification, { nullable: true }) verification?: Verification | null;
  @Field(() => [SourceInput], { description: 'At least one.' }) sources!: SourceInput[];
}
