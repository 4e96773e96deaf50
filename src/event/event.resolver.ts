import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../common/pagination';
import { selectsBelow } from '../common/selection';
import type { CountryCatalog } from '../country/country.catalog';
import { Country } from '../country/country.type';
import type { EventRow } from '../generated/model';
import type { Context } from '../server/context';
import { sourceKey } from '../source/source.service';
import type { Sourced } from '../source/source.sql';
import { Source } from '../source/source.type';
import { AddEventInput } from './event.args';
import { EventConnection } from './event.connection';
import type { EventWriteService } from './event-write.service';
import { EventFilter } from './event.filter';
import type { EventService } from './event.service';
import { Event, Figure } from './event.type';

@Resolver(() => Event)
export class EventResolver {
  constructor(
    private readonly service: EventService,
    private readonly writes: EventWriteService,
    private readonly catalog: CountryCatalog,
  ) {}

  @Authorized()
  @Mutation(() => Event, { description: 'Records an event. Editors only.' })
  async addEvent(@Arg('input', () => AddEventInput) input: AddEventInput) {
    return (await this.writes.add(input)).event;
  }

  @Query(() => EventConnection, { description: 'Events, most recent first.' })
  events(@Arg('filter', () => EventFilter, { nullable: true }) filter: EventFilter | null, @Args() page: PageArgs, @Info() info: GraphQLResolveInfo) {
    return this.service.list(filter, page.first, page.after, { sources: selectsBelow(info, 'sources') });
  }

  @FieldResolver(() => Country, { nullable: true, description: 'Where it happened.' })
  country(@Root() event: EventRow): Country | null {
    return event.countryCode ? (this.catalog.get(event.countryCode) ?? null) : null;
  }

  @FieldResolver(() => [Country], { description: 'Every country involved, including where it happened.' })
  async countries(@Root() event: EventRow, @Ctx() ctx: Context): Promise<Country[]> {
    const codes = await ctx.loaders.eventCountries.load(event.id);
    return codes.map((code) => this.catalog.get(code)!);
  }

  @FieldResolver(() => Figure, { nullable: true })
  figure(@Root() event: EventRow): Figure | null {
    if (event.figureValue === null || event.figureUnit === null) return null;
    return { value: Number(event.figureValue), unit: event.figureUnit, qualifier: event.figureQualifier };
  }

  @FieldResolver(() => [Source])
  sources(@Root() event: Sourced<EventRow>, @Ctx() ctx: Context) {
    // Read with the page when the page's statement could (src/source/source.sql.ts).
    return event.sources ?? ctx.loaders.sources.load(sourceKey('event', event.id));
  }
}
