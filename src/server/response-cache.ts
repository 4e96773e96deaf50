import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { OperationTypeNode, type FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import { formatIsoDate, todayUtc } from '../common/dates';
import type { Context } from './context';
import { declaredVariables } from './limits/operation-key';

/** What the cache holds now: entries, and their accounted size (keys and answers, in characters of JSON). */
export interface ResponseCacheStats {
  entries: number;
  bytes: number;
}

export type ResponseCache = ApolloServerPlugin<Context> & { stats(): ResponseCacheStats };

/**
 * Whole answers to public reads, kept until the data can have changed. Every
 * change to the data is a feed entry, and this instance's relay learns of each
 * one (at once for its own writes; through Redis, or its next poll, for the
 * others'), so an answer stays valid while the relayed sequence number and the
 * calendar day (currentPolicies) stay the same. A new generation empties the
 * cache: nothing is served that a fresh execution would not answer, beyond the
 * moment it takes the news of a commit to reach this instance.
 *
 * Only queries without an Authorization header, answered without errors. An
 * answer is keyed by the document's hash, the operation and the canonical key
 * of the variables it declares (limits/operation-key.ts): a variable the
 * operation does not declare makes no new entry. `maxBytes` bounds keys and
 * answers together, so large variables fill it as large answers do.
 */
export function responseCache(maxBytes: number, generationOf: () => bigint): ResponseCache {
  // (lru-cache needs a positive size; with 0 the plugin does nothing and the cache stays empty.)
  const cache = new LRUCache<string, FormattedExecutionResult>({
    maxSize: Math.max(maxBytes, 1),
    sizeCalculation: (answer, key) => key.length + JSON.stringify(answer).length,
  });
  let generation = '';
  const current = () => {
    const now = `${generationOf()}|${formatIsoDate(todayUtc())}`;
    if (now !== generation) {
      cache.clear();
      generation = now;
    }
    return generation;
  };
  return {
    stats: () => ({ entries: cache.size, bytes: cache.calculatedSize }),
    async requestDidStart({ request }) {
      if (maxBytes <= 0 || request.http?.headers.has('authorization')) return;
      let key: string | null = null;
      let servedFromCache = false;
      return {
        async responseForOperation({ operation, queryHash, schema, request: { operationName, variables } }): Promise<GraphQLResponse | null> {
          // No operation here when operationName names none: execution then refuses it.
          if (operation?.operation !== OperationTypeNode.QUERY) return null;
          const variablesKey = declaredVariables(schema, operation, variables).key;
          // Variables that do not fit: execution refuses them, and a refusal is not kept.
          if (variablesKey === null) return null;
          key = `${current()}|${queryHash}|${operationName ?? ''}|${variablesKey}`;
          const cached = cache.get(key);
          if (!cached) return null;
          servedFromCache = true;
          return { body: { kind: 'single', singleResult: cached }, http: { status: undefined, headers: new HeaderMap() } };
        },
        async willSendResponse({ response }) {
          if (servedFromCache || key === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // Stored only if the data did not change while it was being read (the key names its generation).
          if (!result.errors?.length && result.data && key.startsWith(`${current()}|`)) cache.set(key, result);
        },
      };
    },
  };
}
