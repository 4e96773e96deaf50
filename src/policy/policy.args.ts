import { Field, ID, InputType, Int } from 'type-graphql';
import { PolicyCategory, PolicyStatus, Verification, VisaRequirement } from '../common/enums';
import { DEFAULT_NATIONALITY } from '../common/nationality';
import { DateScalar } from '../common/scalars';
import { SourceInput } from '../source/source.input';

@InputType({ description: 'A new version of one country\'s rule for one nationality and category.' })
export class RecordPolicyChangeInput {
  @Field(() => ID) countryCode!: string;
  @Field(() => String, { nullable: true, description: `ISO alpha-2; "${DEFAULT_NATIONALITY}" when absent.` }) nationality?: string | null;
  @Field(() => PolicyCategory) category!: PolicyCategory;
  @Field(() => PolicyStatus) status!: PolicyStatus;
  @Field(() => VisaRequirement, { nullable: true }) visaRequirement?: VisaRequirement | null;
  @Field(() => Int, { nullable: true }) maxStayDays?: number | null;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) summary?: string | null;
  @Field(() => DateScalar) effectiveFrom!: Date;
  @Field(() => DateScalar, { nullable: true, description: 'When the exact start is unknown: the day after which it changed.' })
  changedAfter?: Date | null;
  @Field(() => DateScalar, { nullable: true }) announcedAt?: Date | null;
  @Field(() => Verification, { nullable: true, description: 'VERIFIED when absent.' }) verification?: Verification | null;
  @Field(() => [SourceInput], { description: 'At least one.' }) sources!: SourceInput[];
  @Field(() => ID, {
    nullable: true,
    description: 'The id of the version this change replaces, as the editor last saw it; the change is refused (CONFLICT) if another came first.',
  })
  expectedPreviousId?: string | null;
}
