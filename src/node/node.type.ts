import { Field, ID, InterfaceType } from 'type-graphql';

/** What node(id:) and nodes(ids:) return: a record tagged with its GraphQL type name (NodeService). */
export interface TypedNode {
  __typename: string;
}

/**
 * Relay Global Object Identification: every record can be fetched again by
 * its id alone. The ids are the records' own (a policy version's, a
 * statement's...), so ids clients already store keep working.
 */
@InterfaceType({
  description:
    'A record that can be fetched again by its id alone, with node(id:) (Relay Global Object Identification). Policies, statements, events and sources have UUIDs; a country\'s id is "Country:" and its alpha-2 code, e.g. "Country:FI".',
  resolveType: (value: TypedNode) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique; pass it to node(id:) to fetch this record again.' })
  id!: string;
}
