import type { GraphQLUnionType } from 'graphql';
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Relay page information.' })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field({ description: 'True when the page was asked for with `after`.' }) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/**
 * Declares `<Name>Edge` and `<Name>Connection` for a node type, the Relay way
 * (type-graphql's generic-type pattern). `totalCount` is a function on the
 * value (graphql-js's default resolver calls a function-valued field), so the
 * count query only runs when a client selects it; its type says so.
 */
export function connectionTypes<TNode extends object>(name: string, node: () => ClassType<TNode> | GraphQLUnionType) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field({ description: 'Opaque; pass it as `after` to continue after this edge.' }) cursor!: string;
    @Field(node) node!: TNode;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'Number of items matching the filter, across all pages.' }) totalCount!: () => Promise<number>;
  }

  return { EdgeType, ConnectionType };
}
