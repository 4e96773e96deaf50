import { Field, ID, InputType } from 'type-graphql';
import { PolicyCategory, PolicyStatus } from '../common/enums';
import { MAX_COUNTRY_CODES, type FilterLists } from '../common/filter-lists';
import { DateScalar } from '../common/scalars';

@InputType({ description: 'All conditions must hold; an absent condition matches everything.' })
export class PolicyFilter {
  @Field(() => [ID], { nullable: true, description: 'ISO alpha-2 codes of the countries whose rules to list.' })
  countryCodes?: string[] | null;
  @Field(() => String, { nullable: true, description: 'ISO alpha-2 nationality the rule applies to, e.g. "RU".' })
  nationality?: string | null;
  @Field(() => [PolicyCategory], { nullable: true }) categories?: PolicyCategory[] | null;
  @Field(() => [PolicyStatus], { nullable: true }) statuses?: PolicyStatus[] | null;
  @Field(() => DateScalar, { nullable: true, description: 'Only versions in force on this day.' }) inForceOn?: Date | null;
}

/** Its lists' bounds (src/common/filter-lists.ts). */
export const POLICY_FILTER_LISTS: FilterLists<PolicyFilter> = { countryCodes: MAX_COUNTRY_CODES, categories: PolicyCategory, statuses: PolicyStatus };
