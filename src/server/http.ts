import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
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
import type { OperationRequest, TrustedDocuments } from './trusted-documents';
import { learnEarly, readBody } from './early-hits';
import type { ResponseCache } from './response-cache';

/** Limits, rate limits and metrics, shared with the WebSocket side. */
export interface HttpHardening {
  limits: ApolloLimits;
  metrics: Metrics;
  rateLimits: RateLimits;
  inFlight: InFlight;
  trusted: TrustedDocuments;
  /** Learns the answers early hits replay (src/server/early-hits.ts). */
  answers: ResponseCache;
}

export interface HttpParts {
  app: Express;
  apollo: ApolloServer<Context>;
}

const requestIds = new WeakMap<object, string>();
/** Each request's GraphQL context, by its response: what the response cache remembers a request by. */
const contexts = new WeakMap<object, Context>();

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
  app.use(
    '/graphql',
    corsPolicy(config),
    utf8Only,
    readBody(express.json({ limit: '100kb' })),
    admitTrustedDocuments(hardening.trusted, hardening.metrics),
    learnEarly(hardening.answers, (res) => contexts.get(res)),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const context = makeContext({
          requestId: res.locals.requestId as string,
          authorization: req.headers.authorization,
          clientAddress: clientAddress(req, config.trustProxyHops),
        });
        contexts.set(res, context);
        return context;
      },
    }),
    bodyErrors(logger),
  );
  return { app, apollo };
}

/**
 * Trusted documents on HTTP (src/server/trusted-documents.ts): a listed hash or
 * documentId becomes the document's text before Apollo sees the request; a
 * refusal is answered here, 400 with the error's code, before anything is parsed.
 */
function admitTrustedDocuments(trusted: TrustedDocuments, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const get = req.method === 'GET' || req.method === 'HEAD';
    const params = get ? new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1 || req.url.length)) : null;
    // Batches (arrays) and bodies that are no object are refused by Apollo, which does not run them.
    const body: unknown = req.body;
    if (!params && (typeof body !== 'object' || body === null || Array.isArray(body))) return next();
    const request: OperationRequest = params ? fromParams(params) : (body as OperationRequest);
    const admitted = trusted.admit(request);
    if (admitted === undefined || admitted === request.query) return next();
    if (typeof admitted === 'string') {
      if (params) {
        params.set('query', admitted);
        params.delete('documentId');
        req.url = `${req.url.split('?')[0]}?${params.toString()}`;
      } else {
        const { documentId: _documentId, ...rest } = body as Record<string, unknown>;
        req.body = { ...rest, query: admitted };
      }
      return next();
    }
    const code = String(admitted.extensions.code);
    const operationName = typeof (request as { operationName?: unknown }).operationName === 'string' ? (request as { operationName: string }).operationName : null;
    metrics.operationDone('http', 'unknown', operationName, code, (performance.now() - started) / 1000);
    res.status(400).set('cache-control', 'no-store').json({ errors: [{ message: admitted.message, extensions: { code } }] });
  };
}

function fromParams(params: URLSearchParams): OperationRequest & { operationName?: string } {
  let extensions: unknown;
  try {
    extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    // Apollo answers malformed JSON itself.
    extensions = undefined;
  }
  return {
    query: params.get('query') ?? undefined,
    extensions,
    documentId: params.get('documentId') ?? undefined,
    operationName: params.get('operationName') ?? undefined,
  };
}

function requestIdOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? requestIds.get(error) : undefined;
}

/** After the last route: a JSON 404 for every other path, and a final error handler that never sends a stack trace. */
export function finishHttp(app: Express, logger: Logger): void {
  app.use(notFound, finalErrors(logger));
}
