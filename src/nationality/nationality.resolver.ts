import { Arg, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { todayUtc } from '../common/dates';
import { DateScalar } from '../common/scalars';
import type { NationalityService } from './nationality.service';
import { Destination, DESTINATIONS_PER_NATIONALITY, Nationality } from './nationality.type';

@Resolver(() => Nationality)
export class NationalityResolver {
  constructor(private readonly service: NationalityService) {}

  @Query(() => Nationality, {
    nullable: true,
    description: 'A nationality (passport) by ISO alpha-2 code, e.g. "RU". An unknown code is BAD_USER_INPUT naming `code`.',
  })
  nationality(@Arg('code', () => ID) code: string): Nationality {
    return this.service.get(code);
  }

  @FieldResolver(() => [Destination], {
    description: 'Every destination with a rule in force for this nationality on `date` (UTC; today when absent), by country code.',
    complexity: ({ childComplexity }) => 1 + childComplexity * DESTINATIONS_PER_NATIONALITY,
  })
  destinations(@Root() nationality: Nationality, @Arg('date', () => DateScalar, { nullable: true }) date: Date | null) {
    return this.service.destinations(nationality.code, date ?? todayUtc());
  }
}
