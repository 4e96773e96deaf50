import type { OutgoingHttpHeaders } from 'node:http';
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

/** A whole HTTP answer as it was sent, replayed for the same request bytes (src/server/early-hits.ts). */
export interface EarlyAnswer {
  status: number;
  /** Every header but the request id, which each request has its own. */
  headers: OutgoingHttpHeaders;
  body: string;
  /** For the operation metrics and log, as the pipeline counts it. */
  operationName: string | null;
}

/** Which cached answer a request got: the generation it belongs to, and the operation's name. */
export interface Answered {
  generation: string;
  operationName: string | null;
}

export type ResponseCache = ApolloServerPlugin<Context> & {
  stats(): ResponseCacheStats;
  /** Set when the request's answer came from this cache or went into it: only such answers may be replayed early. */
  answered(context: Context): Answered | undefined;
  /** The answer kept for these exact request bytes (`requestKey`), if it is of the current generation; counts a hit. */
  early(requestKey: string): EarlyAnswer | undefined;
  /** Keeps a sent answer for its request bytes, if `generation` (from answered) is still the current one. */
  learn(requestKey: string, generation: string, answer: EarlyAnswer): void;
};

type Entry = { kind: 'result'; result: FormattedExecutionResult } | { kind: 'early'; answer: EarlyAnswer };

/** Request keys live beside answer keys, which start with a generation (digits): this prefix cannot be one. */
const EARLY = 'early|';

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
 * `looked` hears of every lookup (borderwatch_response_cache_lookups_total).
 *
 * Besides answers by operation, it keeps whole HTTP answers by the exact bytes
 * of the request that got them (early hits, src/server/early-hits.ts): same
 * budget, same generation, same eviction.
 */
export function responseCache(maxBytes: number, generationOf: () => bigint, looked: (result: 'hit' | 'miss', early?: boolean) => void = () => undefined): ResponseCache {
  // (lru-cache needs a positive size; with 0 the plugin does nothing and the cache stays empty.)
  const cache = new LRUCache<string, Entry>({
    maxSize: Math.max(maxBytes, 1),
    sizeCalculation: (entry, key) =>
      key.length + (entry.kind === 'result' ? JSON.stringify(entry.result).length : entry.answer.body.length + JSON.stringify(entry.answer.headers).length),
  });
  // By the request's `client` object (one per HTTP request): Apollo hands plugins a shallow copy of the
  // context, not the context itself, and the copy shares it. A WeakMap: nothing outlives the request.
  const answered = new WeakMap<object, Answered>();
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
    answered: (context) => answered.get(context.client),
    early(requestKey) {
      if (maxBytes <= 0) return undefined;
      const entry = cache.get(`${EARLY}${current()}|${requestKey}`);
      if (entry?.kind !== 'early') return undefined;
      looked('hit', true);
      return entry.answer;
    },
    learn(requestKey, generation, answer) {
      if (maxBytes > 0 && generation === current()) cache.set(`${EARLY}${generation}|${requestKey}`, { kind: 'early', answer });
    },
    async requestDidStart({ request, contextValue }) {
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
          looked(cached ? 'hit' : 'miss');
          if (cached?.kind !== 'result') return null;
          servedFromCache = true;
          answered.set(contextValue.client, { generation: generationIn(key), operationName: operationName ?? operation.name?.value ?? null });
          return { body: { kind: 'single', singleResult: cached.result }, http: { status: undefined, headers: new HeaderMap() } };
        },
        async willSendResponse({ response, operationName }) {
          if (servedFromCache || key === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // Stored only if the data did not change while it was being read (the key names its generation).
          if (!result.errors?.length && result.data && key.startsWith(`${current()}|`)) {
            cache.set(key, { kind: 'result', result });
            answered.set(contextValue.client, { generation: generationIn(key), operationName: operationName ?? null });
          }
        },
      };
    },
  };
}

/** The generation an answer key starts with (`<seq>|<day>|...`). */
function generationIn(key: string): string {
  const second = key.indexOf('|', key.indexOf('|') + 1);
  return key.slice(0, second);
}
