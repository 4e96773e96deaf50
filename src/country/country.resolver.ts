import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { selectedFieldNames, selectsBelow } from '../common/selection';
import { policyFieldsFor } from '../policy/policy.sql';
import { formatIsoDate, todayUtc } from '../common/dates';
import { PageArgs } from '../common/pagination';
import { EventConnection } from '../event/event.connection';
import { countryNodeId } from '../node/node.id';
import { PolicyConnection } from '../policy/policy.connection';
import { Policy } from '../policy/policy.type';
import type { Context } from '../server/context';
import { StatementConnection } from '../statement/statement.connection';
import { PoliciesAtArgs, PolicyScopeArgs } from './country.args';
import { CountryConnection } from './country.connection';
import { CountryFilter } from './country.filter';
import type { CountryService } from './country.service';
import { Country } from './country.type';

@Resolver(() => Country)
export class CountryResolver {
  constructor(private readonly service: CountryService) {}

  @Query(() => Country, { nullable: true, description: 'A country by ISO alpha-2 code, e.g. "FI".' })
  country(@Arg('code', () => ID) code: string): Country | null {
    return this.service.get(code);
  }

  @FieldResolver(() => ID, { description: 'Its node id: "Country:" and the alpha-2 code, e.g. "Country:FI" (node(id:)); stable as the code is.' })
  id(@Root() country: Country): string {
    return countryNodeId(country.code);
  }

  @Query(() => CountryConnection, { description: 'Countries by name.' })
  countries(@Arg('filter', () => CountryFilter, { nullable: true }) filter: CountryFilter | null, @Args() page: PageArgs) {
    return this.service.list(filter, page.first, page.after);
  }

  @FieldResolver(() => [Policy], { description: 'The versions in force today (UTC), one per category.' })
  currentPolicies(@Root() country: Country, @Args() scope: PolicyScopeArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    // Only the columns the query reads: a country map asks 250 countries × 7 policies for two fields.
    const fields = policyFieldsFor(selectedFieldNames(info));
    return ctx.loaders.policiesInForce.load({ key: country.code, args: { ...scopeOf(scope), date: formatIsoDate(todayUtc()), fields, ...readOf(info) } });
  }

  @FieldResolver(() => [Policy], { description: 'The versions that were in force on `date`.' })
  policiesAt(@Root() country: Country, @Args() args: PoliciesAtArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const fields = policyFieldsFor(selectedFieldNames(info));
    return ctx.loaders.policiesInForce.load({ key: country.code, args: { ...scopeOf(args), date: formatIsoDate(args.date), fields, ...readOf(info) } });
  }

  @FieldResolver(() => PolicyConnection, { description: 'Every version, newest effectiveFrom first.' })
  policyHistory(@Root() country: Country, @Args() scope: PolicyScopeArgs, @Args() page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.policyHistory.load({ key: country.code, args: { ...scopeOf(scope), ...pageOf(page), ...readOf(info) } });
  }

  @FieldResolver(() => StatementConnection, { description: 'Statements by this country\'s officials, newest first.' })
  statements(@Root() country: Country, @Args() page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.countryStatements.load({ key: country.code, args: { ...pageOf(page), ...readOf(info) } });
  }

  @FieldResolver(() => EventConnection, { description: 'Events involving this country, most recent first.' })
  events(@Root() country: Country, @Args() page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.countryEvents.load({ key: country.code, args: { ...pageOf(page), ...readOf(info) } });
  }
}

function scopeOf(scope: PolicyScopeArgs) {
  return { category: scope.category ?? null, nationality: scope.nationality };
}

function pageOf(page: PageArgs) {
  return { first: page.first ?? null, after: page.after ?? null };
}

/** A page reads its records' sources in its own statement when the query selects them. */
function readOf(info: GraphQLResolveInfo) {
  return { sources: selectsBelow(info, 'sources') };
}
