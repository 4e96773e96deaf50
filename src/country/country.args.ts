import { ArgsType, Field } from 'type-graphql';
import { PolicyCategory } from '../common/enums';
import { DEFAULT_NATIONALITY } from '../common/nationality';
import { DateScalar } from '../common/scalars';

@ArgsType()
export class PolicyScopeArgs {
  @Field(() => PolicyCategory, { nullable: true, description: 'Only this category; all categories when absent.' })
  category?: PolicyCategory | null;
  @Field(() => String, { defaultValue: DEFAULT_NATIONALITY, description: 'The nationality the rules apply to (ISO alpha-2).' })
  nationality!: string;
}

@ArgsType()
export class PoliciesAtArgs extends PolicyScopeArgs {
  @Field(() => DateScalar, { description: 'The day to look at (UTC calendar date).' }) date!: Date;
}
