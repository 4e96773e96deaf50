import { Field, ID, InputType } from 'type-graphql';
import { EventKind } from '../common/enums';
import { MAX_COUNTRY_CODES, type FilterLists } from '../common/filter-lists';
import { DateScalar } from '../common/scalars';

@InputType({ description: 'All conditions must hold; an absent condition matches everything.' })
export class EventFilter {
  @Field(() => [ID], { nullable: true, description: 'Events involving any of these countries (ISO alpha-2).' })
  countryCodes?: string[] | null;
  @Field(() => [EventKind], { nullable: true }) kinds?: EventKind[] | null;
  @Field(() => DateScalar, { nullable: true, description: 'Occurred on or after this day.' }) from?: Date | null;
  @Field(() => DateScalar, { nullable: true, description: 'Occurred on or before this day.' }) to?: Date | null;
}

/** Its lists' bounds (src/common/filter-lists.ts). */
export const EVENT_FILTER_LISTS: FilterLists<EventFilter> = { countryCodes: MAX_COUNTRY_CODES, kinds: EventKind };
