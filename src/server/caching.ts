import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { OperationTypeNode } from 'graphql';
import type { Context } from './context';

/**
 * Automatic persisted queries: a client sends a query's SHA-256 instead of its
 * text once the server has seen the text, which keeps requests small and lets
 * reads go out as cacheable GETs. Each instance keeps its own bounded store; a
 * hash another instance learnt costs the client one retry with the full text.
 */
export function persistedQueries(): NonNullable<ApolloServerOptions<Context>['persistedQueries']> {
  return {
    cache: new InMemoryLRUCache<string>({ maxSize: 8 * 2 ** 20, sizeCalculation: InMemoryLRUCache.sizeCalculation }),
    ttl: 24 * 3600,
  };
}

/**
 * Cache-Control on GraphQL answers. Reads are public data: every query may be
 * kept `maxAge` seconds (Apollo's default hint for root and object fields).
 * A request with an Authorization header is `private`, whatever it reads, and
 * mutations and answers with errors are `no-store` (Apollo's rule when
 * nothing is cacheable).
 */
export function cacheControl(maxAge: number): Array<ApolloServerPlugin<Context>> {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge: maxAge }),
    {
      async requestDidStart({ request }) {
        const authorized = request.http?.headers.has('authorization') ?? false;
        return {
          // After execution: restricting the policy any earlier would make Apollo's plugin take it for a
          // policy already decided (a response cache hit) and skip its per-field hints.
          async executionDidStart({ overallCachePolicy, operation }) {
            return {
              async executionDidEnd() {
                if (operation?.operation !== OperationTypeNode.QUERY) overallCachePolicy.restrict({ maxAge: 0 });
                if (authorized) overallCachePolicy.restrict({ scope: 'PRIVATE' });
              },
            };
          },
        };
      },
    },
  ];
}
