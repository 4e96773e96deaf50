import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../server/context';
import type { NodeService } from './node.service';
import { Node } from './node.type';

@Resolver()
export class NodeResolver {
  constructor(private readonly service: NodeService) {}

  @Query(() => Node, {
    nullable: true,
    description: 'Any record by its id (Relay Global Object Identification); null when no record has that id. A malformed id is BAD_USER_INPUT.',
  })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.service.one(id, ctx.loaders);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Records by id, in the order asked, null for an id no record has. At most PAGE_SIZE_MAX ids (100 by default).',
  })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context) {
    return this.service.many(ids, ctx.loaders);
  }
}
