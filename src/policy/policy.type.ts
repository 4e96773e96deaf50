import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../node/node.type';
import { PolicyCategory, PolicyStatus, Verification, VisaRequirement } from '../common/enums';
import { DateScalar, DateTimeScalar } from '../common/scalars';

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description:
    'One version of one country\'s rule for one nationality. A change never edits a version: it adds a new one and closes this one (`effectiveTo`).',
})
export class Policy {
  @Field(() => ID) id!: string;
  @Field({ description: 'The country whose rule this is (ISO alpha-2).' }) countryCode!: string;
  @Field({ description: 'The nationality the rule applies to (ISO alpha-2), e.g. "RU".' }) nationality!: string;
  @Field(() => PolicyCategory) category!: PolicyCategory;
  @Field(() => PolicyStatus) status!: PolicyStatus;
  @Field(() => VisaRequirement, { nullable: true }) visaRequirement!: VisaRequirement | null;
  @Field(() => Int, { nullable: true, description: 'Longest permitted stay, where the rule sets one.' })
  maxStayDays!: number | null;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) summary!: string | null;
  @Field(() => DateScalar, { description: 'First day in force.' }) effectiveFrom!: Date;
  @Field(() => DateScalar, {
    nullable: true,
    description: 'First day no longer in force (the next version\'s effectiveFrom); null while in force.',
  })
  effectiveTo!: Date | null;
  @Field(() => DateScalar, {
    nullable: true,
    description:
      'Set when the exact start is unknown: the change happened after this date and on or before effectiveFrom (e.g. between two dataset snapshots).',
  })
  changedAfter!: Date | null;
  @Field(() => DateScalar, { nullable: true }) announcedAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'When Borderwatch recorded this version.' }) recordedAt!: Date;
  @Field(() => ID, { nullable: true, description: 'The version this one replaced.' }) previousId!: string | null;
  @Field(() => Verification) verification!: Verification;
  @Field(() => DateTimeScalar, { nullable: true }) retractedAt!: Date | null;
  @Field(() => String, { nullable: true }) retractionReason!: string | null;
}
