import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { formatIsoDate, todayUtc } from '../common/dates';
import { VisaRequirement } from '../common/enums';
import { DateScalar } from '../common/scalars';
import { Country } from '../country/country.type';
import type { Context } from '../server/context';
import { VisaCounts } from './nationality.counts.type';
import { Entry } from './nationality.entry.type';
import type { NationalityService } from './nationality.service';
import { DESTINATIONS_PER_NATIONALITY, Nationality } from './nationality.type';

/**
 * A country's visitors: who may enter it, drawn as a map of nationalities in one request. The
 * three fields read the same loader key (every nationality's versions in force, every column),
 * so asking for them together, or for many countries, costs one SQL statement.
 */
@Resolver(() => Country)
export class NationalityEntryResolver {
  constructor(private readonly service: NationalityService) {}

  @FieldResolver(() => [Entry], {
    description: 'Every nationality with a rule in force for entering this country on `date` (UTC; today when absent), by nationality code.',
    complexity: ({ childComplexity }) => 1 + childComplexity * DESTINATIONS_PER_NATIONALITY,
  })
  async entry(@Root() country: Country, @Arg('date', () => DateScalar, { nullable: true }) date: Date | null, @Ctx() ctx: Context) {
    return this.service.entries(await inForce(ctx, country, date ?? todayUtc()));
  }

  @FieldResolver(() => [Nationality], {
    description: 'The nationalities whose visa rule in force on `date` (UTC; today when absent) is one of `visa`: visa-free by default.',
    complexity: ({ childComplexity }) => 1 + childComplexity * DESTINATIONS_PER_NATIONALITY,
  })
  async admits(
    @Root() country: Country,
    @Arg('date', () => DateScalar, { nullable: true }) date: Date | null,
    @Arg('visa', () => [VisaRequirement], { defaultValue: [VisaRequirement.VISA_FREE] }) visa: VisaRequirement[],
    @Ctx() ctx: Context,
  ) {
    return this.service.admits(await inForce(ctx, country, date ?? todayUtc()), visa);
  }

  @FieldResolver(() => VisaCounts, { description: 'How many nationalities fall under each visa requirement for entering this country on `date` (UTC; today when absent).' })
  async entryCounts(@Root() country: Country, @Arg('date', () => DateScalar, { nullable: true }) date: Date | null, @Ctx() ctx: Context) {
    const day = date ?? todayUtc();
    return this.service.entryCounts(await inForce(ctx, country, day), day);
  }
}

function inForce(ctx: Context, country: Country, date: Date) {
  return ctx.loaders.entriesInForce.load({ key: country.code, args: { date: formatIsoDate(date) } });
}
