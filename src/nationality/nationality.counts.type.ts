import { Field, Int, ObjectType } from 'type-graphql';
import { VisaRequirement } from '../common/enums';
import { DateScalar } from '../common/scalars';

@ObjectType({ simpleResolvers: true })
export class VisaRequirementCount {
  @Field(() => VisaRequirement) visaRequirement!: VisaRequirement;
  @Field(() => Int) count!: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'How many visa rules in force fall under each requirement on one day: for a nationality, its destinations (the counts passport rankings publish); for a country, the nationalities it admits.',
})
export class VisaCounts {
  @Field(() => DateScalar, { description: 'The day the counts hold on (in a history, the day they took effect).' }) date!: Date;
  @Field(() => Int, { description: 'Visa rules in force, including any recorded without a requirement (counted in no entry of `counts`).' })
  total!: number;
  @Field(() => [VisaRequirementCount], { description: 'One entry per VisaRequirement value, in the enum\'s order, zeros included.' })
  counts!: VisaRequirementCount[];
}
