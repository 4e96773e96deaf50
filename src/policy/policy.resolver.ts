import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../common/pagination';
import { selectsBelow } from '../common/selection';
import { Country } from '../country/country.type';
import type { CountryCatalog } from '../country/country.catalog';
import type { Policy as PolicyRow } from '../generated/prisma/client';
import type { Context } from '../server/context';
import { sourceKey } from '../source/source.service';
import type { Sourced } from '../source/source.sql';
import { Source } from '../source/source.type';
import { PolicyChange } from './policy-change.type';
import { RecordPolicyChangeInput } from './policy.args';
import type { PolicyChangeService } from './policy-change.service';
import { PolicyConnection } from './policy.connection';
import { PolicyFilter } from './policy.filter';
import type { PolicyService } from './policy.service';
import { Policy } from './policy.type';

@Resolver(() => Policy)
export class PolicyResolver {
  constructor(
    private readonly service: PolicyService,
    private readonly changes: PolicyChangeService,
    private readonly catalog: CountryCatalog,
  ) {}

  @Authorized()
  @Mutation(() => PolicyChange, {
    description: 'Records a new version of a policy, closing the one it replaces. Editors only (Authorization: Bearer <token>).',
  })
  async recordPolicyChange(@Arg('input', () => RecordPolicyChangeInput) input: RecordPolicyChangeInput) {
    const { entry, policy, previous } = await this.changes.record(input);
    return { entry, policy, previous };
  }

  @Query(() => PolicyConnection, { description: 'Policy versions, newest effectiveFrom first.' })
  policies(@Arg('filter', () => PolicyFilter, { nullable: true }) filter: PolicyFilter | null, @Args() page: PageArgs, @Info() info: GraphQLResolveInfo) {
    return this.service.list(filter, page.first, page.after, { sources: selectsBelow(info, 'sources') });
  }

  @FieldResolver(() => Country)
  country(@Root() policy: PolicyRow): Country {
    return this.catalog.get(policy.countryCode)!;
  }

  @FieldResolver(() => Policy, { nullable: true, description: 'The version this one replaced.' })
  previous(@Root() policy: PolicyRow, @Ctx() ctx: Context) {
    return policy.previousId ? ctx.loaders.policy.load(policy.previousId) : null;
  }

  @FieldResolver(() => [Source])
  sources(@Root() policy: Sourced<PolicyRow>, @Ctx() ctx: Context) {
    // Read with the page when the page's statement could (src/source/source.sql.ts).
    return policy.sources ?? ctx.loaders.sources.load(sourceKey('policy', policy.id));
  }
}
