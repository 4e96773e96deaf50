import { Field, ID, InputType } from 'type-graphql';
import { FeedKind } from '../common/enums';
import { MAX_COUNTRY_CODES, type FilterLists } from '../common/filter-lists';

@InputType({ description: 'All conditions must hold; an absent condition matches everything.' })
export class FeedFilter {
  @Field(() => [ID], { nullable: true, description: 'Items about any of these countries (ISO alpha-2).' })
  countryCodes?: string[] | null;
  @Field(() => [FeedKind], { nullable: true }) kinds?: FeedKind[] | null;
  @Field(() => String, {
    nullable: true,
    description: 'Policy changes and versions taking effect for this nationality (ISO alpha-2); statements and events, which concern no single nationality, always match.',
  })
  nationality?: string | null;
}

/** Its lists' bounds (src/common/filter-lists.ts). */
export const FEED_FILTER_LISTS: FilterLists<FeedFilter> = { countryCodes: MAX_COUNTRY_CODES, kinds: FeedKind };
