import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import '../common/enums';
import { CountryResolver } from '../country/country.resolver';
import { EventResolver } from '../event/event.resolver';
import { authChecker } from '../auth/auth';
import { FeedResolver } from '../feed/feed.resolver';
import { FeedSubscriptionResolver } from '../feed/feed-subscription.resolver';
import { NodeResolver } from '../node/node.resolver';
import { NationalityEntryResolver } from '../nationality/nationality-entry.resolver';
import { NationalityResolver } from '../nationality/nationality.resolver';
import { RetractionResolver } from '../feed/retraction.resolver';
import { PolicyChangeResolver, PolicyInForceResolver } from '../policy/policy-change.resolver';
import { PolicyResolver } from '../policy/policy.resolver';
import { StatementResolver } from '../statement/statement.resolver';
import type { Services } from './services';

export const resolvers = [
  CountryResolver,
  PolicyResolver,
  NationalityResolver,
  NationalityEntryResolver,
  StatementResolver,
  EventResolver,
  FeedResolver,
  PolicyChangeResolver,
  PolicyInForceResolver,
  RetractionResolver,
  FeedSubscriptionResolver,
  NodeResolver,
] as const;

/** Resolver instances wired to the services; type-graphql asks this container for them. */
function containerFor(s: Services): ContainerType {
  const instances = new Map<unknown, object>([
    [CountryResolver, new CountryResolver(s.countries)],
    [PolicyResolver, new PolicyResolver(s.policies, s.policyChanges, s.catalog)],
    [NationalityResolver, new NationalityResolver(s.nationalities)],
    [NationalityEntryResolver, new NationalityEntryResolver(s.nationalities)],
    [StatementResolver, new StatementResolver(s.statements, s.statementWrites, s.catalog)],
    [EventResolver, new EventResolver(s.events, s.eventWrites, s.catalog)],
    [FeedResolver, new FeedResolver(s.feed)],
    [PolicyChangeResolver, new PolicyChangeResolver(s.feed)],
    [PolicyInForceResolver, new PolicyInForceResolver(s.feed)],
    [RetractionResolver, new RetractionResolver(s.retractions)],
    [FeedSubscriptionResolver, new FeedSubscriptionResolver(s.feed)],
    [NodeResolver, new NodeResolver(s.nodes)],
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
    authChecker,
    // Our subscriptions bring their own `subscribe` (the feed relay), but type-graphql insists on a pubSub.
    pubSub: {
      publish: () => {
        throw new Error('Borderwatch subscriptions use the feed relay, not a topic pub/sub');
      },
      subscribe: () => {
        throw new Error('Borderwatch subscriptions use the feed relay, not a topic pub/sub');
      },
    },
  });
}
