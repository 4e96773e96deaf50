import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../common/pagination';
import { selectsBelow } from '../common/selection';
import type { CountryCatalog } from '../country/country.catalog';
import { Country } from '../country/country.type';
import type { Statement as StatementRow } from '../generated/prisma/client';
import { Policy } from '../policy/policy.type';
import type { Context } from '../server/context';
import { sourceKey } from '../source/source.service';
import type { Sourced } from '../source/source.sql';
import { Source } from '../source/source.type';
import { AddStatementInput } from './statement.args';
import { StatementConnection } from './statement.connection';
import type { StatementWriteService } from './statement-write.service';
import { StatementFilter } from './statement.filter';
import type { StatementService } from './statement.service';
import { Statement } from './statement.type';

@Resolver(() => Statement)
export class StatementResolver {
  constructor(
    private readonly service: StatementService,
    private readonly writes: StatementWriteService,
    private readonly catalog: CountryCatalog,
  ) {}

  @Authorized()
  @Mutation(() => Statement, { description: 'Records a statement. Editors only.' })
  async addStatement(@Arg('input', () => AddStatementInput) input: AddStatementInput) {
    return (await this.writes.add(input)).statement;
  }

  @Query(() => StatementConnection, { description: 'Statements, newest first.' })
  statements(@Arg('filter', () => StatementFilter, { nullable: true }) filter: StatementFilter | null, @Args() page: PageArgs, @Info() info: GraphQLResolveInfo) {
    return this.service.list(filter, page.first, page.after, { sources: selectsBelow(info, 'sources') });
  }

  @FieldResolver(() => Country, { nullable: true })
  country(@Root() statement: StatementRow): Country | null {
    return statement.countryCode ? (this.catalog.get(statement.countryCode) ?? null) : null;
  }

  @FieldResolver(() => Statement, { nullable: true, description: 'The statement this one answers.' })
  replyTo(@Root() statement: StatementRow, @Ctx() ctx: Context) {
    return statement.replyToId ? ctx.loaders.statement.load(statement.replyToId) : null;
  }

  @FieldResolver(() => [Policy], { description: 'Policy versions the statement is about.' })
  async relatedPolicies(@Root() statement: StatementRow, @Ctx() ctx: Context) {
    const ids = await ctx.loaders.statementPolicyIds.load(statement.id);
    const policies = await ctx.loaders.policy.loadMany(ids);
    return policies.filter((policy) => policy !== null && !(policy instanceof Error));
  }

  @FieldResolver(() => [Source])
  sources(@Root() statement: Sourced<StatementRow>, @Ctx() ctx: Context) {
    // Read with the page when the page's statement could (src/source/source.sql.ts).
    return statement.sources ?? ctx.loaders.sources.load(sourceKey('statement', statement.id));
  }
}
