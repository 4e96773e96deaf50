import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
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
 * Cache-Control on GraphQL answers, decided once per operation. Every read is
 * public data with the same freshness, so per-field hints would add nothing
 * but cost: Apollo's cache-control plugin wraps every resolver call to collect
 * them, so it is turned off. A query without a token may be kept `maxAge`
 * seconds; with an Authorization header it is `private`; mutations, anything
 * that failed, and `maxAge` 0 are `no-store`.
 */
export function cacheControl(maxAge: number): Array<ApolloServerPlugin<Context>> {
  return [
    ApolloServerPluginCacheControlDisabled(),
    {
      async requestDidStart({ request }) {
        const scope = request.http?.headers.has('authorization') ? 'private' : 'public';
        return {
          async willSendResponse({ response, operation, errors }) {
            const failed = (errors?.length ?? 0) > 0 || (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
            const cacheable = maxAge > 0 && operation?.operation === OperationTypeNode.QUERY && !failed;
            // Apollo sets its own on answers it makes itself (PERSISTED_QUERY_NOT_FOUND: `private, no-cache`).
            if (response.http.headers.has('cache-control')) return;
            response.http.headers.set('cache-control', cacheable ? `max-age=${maxAge}, ${scope}` : 'no-store');
          },
        };
      },
    },
  ];
}
