import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { getOperationAST, GraphQLError, OperationTypeNode, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors';
import type { Config } from '../config/config';
import { SharedExecution } from '../feed/fanout';
import type { Context, ContextSource } from './context';
import { errorCodeOf, maskError } from './errors';
import type { OperationGuard } from './limits/guard';
import type { Metrics } from './metrics';
import { clientAddress, type RateLimits } from './rate-limit';
import { SocketsPerAddress } from './socket-cap';
import type { TrustedDocuments } from './trusted-documents';
import { answerClientFaults } from './ws-client-faults';

/** Policy violation (RFC 6455): the close code for a socket that floods us with messages. 4429 means a second connection_init in graphql-ws. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** How long sockets get to answer the closing handshake at shutdown before they are cut. */
const CLOSE_GRACE_MS = 1_000;
/** Memory for parsed documents kept by their text (estimated: a parsed token, with its node, is a few hundred bytes). */
const DOCUMENT_CACHE_BYTES = 16 * 2 ** 20;
const BYTES_PER_TOKEN = 300;

export interface WsHardening {
  guard: OperationGuard;
  metrics: Metrics;
  rateLimits: RateLimits;
  trusted: TrustedDocuments;
}

export interface WsParts {
  wss: WebSocketServer;
  /** Executes each feed event once per distinct (document, variables) for all sockets (src/feed/fanout.ts). */
  shared: SharedExecution;
  /** Refuses new connections from now on (HTTP 503 on the upgrade). */
  stopAccepting(): void;
  /** Closes every socket with 1001 (going away), cutting those that do not answer in time, and stops accepting. */
  dispose(): Promise<void>;
}

/** graphql-ws on the same path as HTTP GraphQL, sharing its schema, its limits and its error policy. */
export function createWs(
  config: Config,
  schema: GraphQLSchema,
  makeContext: (source: ContextSource) => Context,
  httpServer: Server,
  logger: Logger,
  { guard, metrics, rateLimits, trusted }: WsHardening,
): WsParts {
  let accepting = true;
  const sockets = new SocketsPerAddress(config.ws.maxSocketsPerAddress);
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: config.ws.maxMessageBytes,
    // New connections per client address and minute, then sockets open at once per address:
    // refused before the upgrade, with 429 (and Retry-After for the rate).
    verifyClient: (info, done) => {
      if (!accepting) return done(false, 503, 'Shutting down');
      const address = clientAddress(info.req, config.trustProxyHops);
      rateLimits.take('wsConnections', address).then(
        (retryAfter) => {
          if (retryAfter !== null) return done(false, 429, 'Too Many Requests', { 'Retry-After': String(retryAfter) });
          if (sockets.take(address, info.req.socket)) return done(true);
          metrics.limited('wsSockets');
          done(false, 429, `Too many open WebSockets from this address (at most ${config.ws.maxSocketsPerAddress})`);
        },
        () => done(false, 500),
      );
    },
  });
  wss.on('connection', (socket) => {
    metrics.socketOpened();
    socket.once('close', () => metrics.socketClosed());
    answerClientFaults(socket, logger);
    guardMessages(socket, rateLimits);
  });

  const mask = (error: GraphQLError, requestId: string | undefined): GraphQLFormattedError =>
    maskError(error.toJSON(), error, {
      exposeUnexpected: config.env === 'development',
      ...(requestId ? { requestId } : {}),
      onUnexpected: (cause) => logger.error({ err: cause, requestId }, 'unexpected error'),
    });

  // Each feed event is executed once per distinct (document, variables), not once per socket, and written to
  // every socket as the same serialised message; errors in a result are masked per socket, as onNext does.
  const shared = new SharedExecution({
    contextFor: (context) => makeContext({ requestId: (context as Context).requestId, clientAddress: (context as Context).clientAddress }),
    maskErrors: (errors, context) => errors.map((error) => mask(error, (context as Context).requestId)),
    // A subscription that failed after its client had completed it: nobody left to tell.
    onAbandoned: (error) => logger.debug({ err: { message: (error as Error | null)?.message } }, 'subscription failed after its client left'),
  });
  // Documents that passed parse and validation, by text: thousands of sockets on one query share one parsed
  // document. Bounded in bytes, the text (the key) included.
  const validDocuments = new LRUCache<string, DocumentNode>({
    maxSize: DOCUMENT_CACHE_BYTES,
    sizeCalculation: (document, text) => text.length + BYTES_PER_TOKEN * tokenCount(document),
  });

  const cleanup = useServer<Record<string, unknown> | undefined, { requestId?: string; clientAddress?: string }>(
    {
      schema,
      subscribe: shared.subscribe,
      onConnect: (ctx) => {
        // graphql-ws keeps the upgrade request (and all its headers) for the socket's lifetime. Only the client's
        // address is needed afterwards; at thousands of idle sockets the rest is a good part of their memory.
        ctx.extra.clientAddress = clientAddress(ctx.extra.request, config.trustProxyHops);
        (ctx.extra as { request?: unknown }).request = undefined;
        return true;
      },
      isProd: config.env === 'production',
      connectionInitWaitTimeout: config.ws.initTimeoutMs,
      onSubscribe: (ctx, id, payload) => {
        const started = performance.now();
        const refuse = (errors: readonly GraphQLError[], type = 'unknown') => {
          metrics.operationDone('ws', type, payload.operationName, errorCodeOf(errors[0]), (performance.now() - started) / 1000);
          return [...errors];
        };
        // This operation is already counted in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > config.ws.maxSubscriptions) {
          return refuse([
            new GraphQLError(`This socket already has ${config.ws.maxSubscriptions} subscriptions; complete one first or open another socket.`, {
              extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, limit: config.ws.maxSubscriptions },
            }),
          ]);
        }
        // Trusted documents (src/server/trusted-documents.ts): a listed hash stands for its text; with
        // TRUSTED_DOCUMENTS_ONLY anything else is refused. (graphql-ws wants a `query` string: a client
        // sending a hash sends an empty one.)
        const admitted = trusted.admit(payload as typeof payload & { documentId?: unknown });
        if (admitted instanceof GraphQLError) return refuse([admitted]);
        const text = admitted ?? payload.query;
        // Parsed here, inside a try, so a syntax error answers this one operation instead of closing the socket.
        let document = validDocuments.get(text);
        const known = document !== undefined;
        if (!document) {
          try {
            document = guard.parse(text);
          } catch (error) {
            return refuse([error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
          }
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return refuse([new GraphQLError('Unknown or ambiguous operationName', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })]);
        // Editors' writes go through HTTP, where their token is checked: the socket is for subscriptions.
        if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
          return refuse([new GraphQLError('Only subscription operations are supported over WebSocket', { extensions: { code: 'BAD_REQUEST' } })], operation.operation);
        }
        if (!known) {
          const errors = guard.validate(document);
          if (errors.length > 0) return refuse(errors.map((error) => withDefaultCode(error, 'GRAPHQL_VALIDATION_FAILED')), operation.operation);
          validDocuments.set(text, document);
        }
        // Only the declared variables go on (limits/operation-key.ts): an undeclared one is ignored, as on HTTP.
        const declared = guard.declared(operation, payload.variables);
        const badVariables = guard.checkVariables(declared);
        if (badVariables.length > 0) return refuse(badVariables, operation.operation);
        const variableValues = declared.values;
        try {
          guard.checkCost({ document, operation, operationName: payload.operationName, variables: variableValues });
        } catch (error) {
          return refuse([error as GraphQLError], operation.operation);
        }
        ctx.extra.requestId ??= randomUUID();
        metrics.operationDone('ws', operation.operation, operation.name?.value, 'ok', (performance.now() - started) / 1000);
        const contextValue = makeContext({ requestId: ctx.extra.requestId, clientAddress: ctx.extra.clientAddress ?? 'unknown', socket: ctx.extra.socket });
        shared.attach(contextValue, ctx.extra.socket, id);
        return { schema, document, operationName: payload.operationName, variableValues, contextValue };
      },
      // Errors inside a result (a resolver failing while an entry is sent) get the same masking as HTTP.
      onNext: (ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => mask(error, ctx.extra.requestId)) } : undefined,
      onError: (ctx, _id, _payload, errors) => errors.map((error) => mask(error, ctx.extra.requestId)),
    },
    wss,
    config.ws.keepAliveMs,
  );

  let disposed: Promise<void> | null = null;
  return {
    wss,
    shared,
    stopAccepting: () => {
      accepting = false;
    },
    dispose: () => {
      accepting = false;
      disposed ??= closeAll(wss, cleanup.dispose() as Promise<void>);
      return disposed;
    },
  };
}

/** Waits for the closing handshakes, then cuts whatever did not answer (a dead peer would hold shutdown for ws's 30 s). */
async function closeAll(wss: WebSocketServer, closing: Promise<void>): Promise<void> {
  const timer = setTimeout(() => {
    for (const client of wss.clients) client.terminate();
  }, CLOSE_GRACE_MS);
  try {
    await closing;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs before graphql-ws sees each message. Messages per socket and minute
 * (RATE_LIMIT_WS_MESSAGES_PER_MINUTE): beyond it the socket is closed with
 * 1008. (A server-only message type is refused before, by answerClientFaults.)
 */
function guardMessages(socket: WebSocket, rateLimits: RateLimits): void {
  const key = randomUUID();
  let closing = false;
  socket.on('message', () => {
    if (closing) return;
    void rateLimits.take('wsMessages', key).then(
      (retryAfter) => {
        if (retryAfter === null || closing) return;
        closing = true;
        socket.close(CLOSE_POLICY_VIOLATION, 'Too many messages');
        setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
      },
      // The in-memory limiter fails only on a bug of its own: the message goes through, nothing rejects unhandled.
      () => undefined,
    );
  });
}

/** Tokens of a parsed document (at most MAX_QUERY_TOKENS: the parser stops beyond). */
function tokenCount(document: DocumentNode): number {
  let count = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) count += 1;
  return count;
}

/** Keeps a code the error already has (QUERY_TOO_DEEP...), otherwise files it under `code`. */
function withDefaultCode(error: GraphQLError, code: string): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

export { CloseCode };
