import { Field, ID, InputType } from 'type-graphql';
import { MAX_COUNTRY_CODES, type FilterLists } from '../common/filter-lists';
import { DateScalar } from '../common/scalars';

@InputType({ description: 'All conditions must hold; an absent condition matches everything.' })
export class StatementFilter {
  @Field(() => [ID], { nullable: true, description: 'Countries the speakers speak for (ISO alpha-2).' })
  countryCodes?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Part of the speaker\'s name, any case.' }) speaker?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Said on or after this day (UTC).' }) from?: Date | null;
  @Field(() => DateScalar, { nullable: true, description: 'Said on or before this day (UTC).' }) to?: Date | null;
  @Field(() => String, { nullable: true, description: 'Words in the text or the speaker\'s name or role, any case.' })
  search?: string | null;
}

/** Its lists' bounds (src/common/filter-lists.ts). */
export const STATEMENT_FILTER_LISTS: FilterLists<StatementFilter> = { countryCodes: MAX_COUNTRY_CODES };
