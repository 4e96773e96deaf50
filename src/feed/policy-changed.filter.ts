import { Field, ID, InputType } from 'type-graphql';
import { PolicyCategory, PolicyStatus } from '../common/enums';
import { MAX_COUNTRY_CODES, type FilterLists } from '../common/filter-lists';

@InputType({ description: 'All conditions must hold; an absent condition matches everything.' })
export class PolicyChangedFilter {
  @Field(() => [ID], { nullable: true, description: 'Changes to these countries\' policies (ISO alpha-2).' })
  countryCodes?: string[] | null;
  @Field(() => [PolicyCategory], { nullable: true }) categories?: PolicyCategory[] | null;
  @Field(() => [PolicyStatus], { nullable: true, description: 'The status of the new version.' }) statuses?: PolicyStatus[] | null;
  @Field(() => String, { nullable: true, description: 'Only rules for this nationality (ISO alpha-2).' }) nationality?: string | null;
}

/** Its lists' bounds (src/common/filter-lists.ts). */
export const POLICY_CHANGED_FILTER_LISTS: FilterLists<PolicyChangedFilter> = { countryCodes: MAX_COUNTRY_CODES, categories: PolicyCategory, statuses: PolicyStatus };
