import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, GraphQLError } from 'graphql';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors';
import type { Context } from './context';
import { errorCodeOf } from './errors';
import type { Metrics } from './metrics';
import type { RateLimits } from './rate-limit';
import { rootFieldCount } from './root-fields';

/** Counts and times every operation by name and outcome, and logs it at debug level (no variables: they may hold personal data). */
export function operationMetricsPlugin(metrics: Metrics, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, document, request, errors }) {
          const outcome = errors?.length ? errorCodeOf(errors[0]) : 'ok';
          // A document that failed validation has no resolved operation; its text still names one.
          const named = operation ?? (document ? getOperationAST(document, request.operationName) : null);
          const type = named?.operation ?? 'unknown';
          operationName ??= named?.name?.value ?? null;
          recordOperation(metrics, logger, { requestId: contextValue.requestId, operationName, type, outcome, ms: performance.now() - started });
        },
      };
    },
  };
}

/** One HTTP operation in the metrics and the debug log; early hits (src/server/early-hits.ts) are recorded the same way. */
export function recordOperation(
  metrics: Metrics,
  logger: Logger,
  { requestId, operationName, type, outcome, ms }: { requestId: string; operationName: string | null; type: string; outcome: string; ms: number },
): void {
  metrics.operationDone('http', type, operationName, outcome, ms / 1000);
  logger.debug({ requestId, operation: operationName, type, outcome, ms: Math.round(ms) }, 'graphql operation');
}

/**
 * Writes per client address and minute (RATE_LIMIT_WRITES_PER_MINUTE): each top-level field of a
 * mutation is one (aliases make one operation many writes). An operation with more than remain is
 * refused whole, before any of it runs: 429 with Retry-After.
 */
export function writeRateLimitPlugin(rateLimits: RateLimits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const writes = Math.max(1, rootFieldCount(document, operation, request.variables));
          const retryAfter = await rateLimits.take('writes', contextValue.clientAddress, writes);
          if (retryAfter === null) return;
          throw new GraphQLError(`Too many writes from this address; try again in ${retryAfter} s.`, {
            extensions: {
              code: ErrorCode.RATE_LIMITED,
              retryAfter,
              http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
            },
          });
        },
      };
    },
  };
}
