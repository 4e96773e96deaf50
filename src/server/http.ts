import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { mountMap } from '../map/map.http';
import { mountPlayground } from '../playground/playground.http';
import { cacheControl, persistedQueries } from './caching';
import type { Context, ContextSource } from './context';
import { corsPolicy } from './cors';
import { maskError } from './errors';
import { bodyErrors, finalErrors, notFound, requestLog, utf8Only } from './http-guard';
import { operationMetricsPlugin, writeRateLimitPlugin } from './http-plugins';
import type { InFlight } from './in-flight';
import type { ApolloLimits } from './limits/apollo';
import type { Metrics } from './metrics';
import { clientAddress, type RateLimits } from './rate-limit';

/** Limits, rate limits and metrics, shared with the WebSocket side. */
export interface HttpHardening {
  limits: ApolloLimits;
  metrics: Metrics;
  rateLimits: RateLimits;
  inFlight: InFlight;
  /** Routes under /graphql that Apollo must not see (GraphQL over SSE on /graphql/stream), mounted before it. */
  mountBeforeGraphql?: (app: Express) => void;
}

export interface HttpParts {
  app: Express;
  apollo: ApolloServer<Context>;
}

const requestIds = new WeakMap<object, string>();

/** Express with Apollo on /graphql. Health and other routes are mounted by the caller, then finishHttp. */
export async function createHttp(
  config: Config,
  schema: GraphQLSchema,
  makeContext: (source: ContextSource) => Context,
  httpServer: Server,
  logger: Logger,
  hardening: HttpHardening,
  extraPlugins: Array<ApolloServerPlugin<Context>> = [],
): Promise<HttpParts> {
  const apollo = new ApolloServer<Context>({
    schema,
    // Introspection (INTROSPECTION), parse and validation limits: the same on WebSocket (src/server/limits).
    ...hardening.limits.options,
    includeStacktraceInErrorResponses: false,
    nodeEnv: config.env,
    // main.ts owns the signals and stops the whole app; Apollo's own handler would
    // dispose the WebSocket server a second time and turn a clean exit into code 1.
    stopOnTerminationSignals: false,
    // Stays on: a GET or a simple POST must carry a header a browser only sends after a CORS preflight.
    csrfPrevention: true,
    persistedQueries: persistedQueries(),
    formatError: (formatted, error) =>
      maskError(formatted, error, {
        exposeUnexpected: config.env === 'development',
        requestId: requestIdOf(error),
        onUnexpected: (cause) => logger.error({ err: cause, requestId: requestIdOf(error) }, 'unexpected error'),
      }),
    plugins: [
      // App.stop() has waited for in-flight requests already (SHUTDOWN_GRACE_MS); whatever is left then is cut.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 500 }),
      // The playground is served by mountPlayground, from this server's own files.
      ApolloServerPluginLandingPageDisabled(),
      ...cacheControl(config.cacheMaxAge),
      {
        // Tags errors with the request id before formatError sees them, which has no context.
        async requestDidStart() {
          return {
            async didEncounterErrors(ctx) {
              for (const error of ctx.errors) requestIds.set(error, ctx.contextValue.requestId);
            },
          };
        },
      },
      hardening.limits.plugin as never,
      writeRateLimitPlugin(hardening.rateLimits),
      operationMetricsPlugin(hardening.metrics, logger),
      ...extraPlugins,
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Express reads NODE_ENV itself otherwise; the configuration says it once, for everything.
  app.set('env', config.env);
  app.use(requestLog(logger, hardening.metrics), hardening.inFlight.middleware);
  mountPlayground(app, '/graphql');
  mountMap(app);
  hardening.mountBeforeGraphql?.(app);
  app.use(
    '/graphql',
    corsPolicy(config),
    utf8Only,
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        makeContext({
          requestId: res.locals.requestId as string,
          authorization: req.headers.authorization,
          clientAddress: clientAddress(req, config.trustProxyHops),
        }),
    }),
    bodyErrors(logger),
  );
  return { app, apollo };
}

function requestIdOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? requestIds.get(error) : undefined;
}

/** After the last route: a JSON 404 for every other path, and a final error handler that never sends a stack trace. */
export function finishHttp(app: Express, logger: Logger): void {
  app.use(notFound, finalErrors(logger));
}
