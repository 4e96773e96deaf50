import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import '../common/enums';
import { CountryResolver } from '../country/country.resolver';
import { EventResolver } from '../event/event.resolver';
import { FeedResolver } from '../feed/feed.resolver';
import { PolicyChangeResolver, RetractionResolver } from '../feed/policy-change.resolver';
import { PolicyResolver } from '../policy/policy.resolver';
import { StatementResolver } from '../statement/statement.resolver';
import type { Services } from './services';

export const resolvers = [
  CountryResolver,
  PolicyResolver,
  StatementResolver,
  EventResolver,
  FeedResolver,
  PolicyChangeResolver,
  RetractionResolver,
] as const;

/** Resolver instances wired to the services; type-graphql asks this container for them. */
function containerFor(s: Services): ContainerType {
  const instances = new Map<unknown, object>([
    [CountryResolver, new CountryResolver(s.countries)],
    [PolicyResolver, new PolicyResolver(s.policies, s.catalog)],
    [StatementResolver, new StatementResolver(s.statements, s.catalog)],
    [EventResolver, new EventResolver(s.events, s.catalog)],
    [FeedResolver, new FeedResolver(s.feed)],
    [PolicyChangeResolver, new PolicyChangeResolver()],
    [RetractionResolver, new RetractionResolver()],
  ]);
  return {
    get(someClass) {
      const instance = instances.get(someClass);
      if (!instance) throw new Error(`No resolver instance for ${String((someClass as { name?: string }).name)}`);
      return instance;
    },
  };
}

/**
 * The executable schema. Without services (printing the SDL) no resolver is
 * ever instantiated.
 */
export function buildBorderwatchSchema(services?: Services): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    container: services ? containerFor(services) : { get: () => ({}) },
    // Inputs are validated by the services (the importer shares the rules), not by class-validator.
    validate: false,
  });
}
