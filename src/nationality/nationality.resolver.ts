import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { formatIsoDate, todayUtc } from '../common/dates';
import { DateScalar } from '../common/scalars';
import type { Context } from '../server/context';
import { HISTORY_POINTS_DEFAULT, HISTORY_POINTS_MAX, VisaCountsHistoryArgs } from './nationality.args';
import { VisaCounts } from './nationality.counts.type';
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

  @Query(() => [Nationality], {
    description: 'Every nationality with at least one rule recorded, by country name: at most one per country, so a list rather than a page.',
    complexity: ({ childComplexity }) => 1 + childComplexity * DESTINATIONS_PER_NATIONALITY,
  })
  nationalities(): Promise<Nationality[]> {
    return this.service.list();
  }

  @FieldResolver(() => [Destination], {
    description: 'Every destination with a rule in force for this nationality on `date` (UTC; today when absent), by country code.',
    complexity: ({ childComplexity }) => 1 + childComplexity * DESTINATIONS_PER_NATIONALITY,
  })
  destinations(@Root() nationality: Nationality, @Arg('date', () => DateScalar, { nullable: true }) date: Date | null) {
    return this.service.destinations(nationality.code, date ?? todayUtc());
  }

  @FieldResolver(() => VisaCounts, {
    description: 'How many destinations fall under each visa requirement on `date` (UTC; today when absent): the counts passport rankings publish.',
  })
  async visaCounts(@Root() nationality: Nationality, @Arg('date', () => DateScalar, { nullable: true }) date: Date | null, @Ctx() ctx: Context) {
    const day = date ?? todayUtc();
    return this.service.visaCounts(await ctx.loaders.visaCounts.load({ key: nationality.code, args: { date: formatIsoDate(day) } }), day);
  }

  @FieldResolver(() => [VisaCounts], {
    description: 'The visaCounts at each day they changed, oldest first; with `from`, the first point is the counts in force on that day.',
    complexity: ({ childComplexity, args }) => 1 + childComplexity * Math.min(typeof args.first === 'number' ? args.first : HISTORY_POINTS_DEFAULT, HISTORY_POINTS_MAX),
  })
  visaCountsHistory(@Root() nationality: Nationality, @Args() args: VisaCountsHistoryArgs) {
    return this.service.visaCountsHistory(nationality.code, args);
  }
}
