import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { GraphQLError, OperationTypeNode, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors';
import type { Config } from '../config/config';
import { SharedExecution } from '../feed/fanout';
import type { Context, ContextSource } from './context';
import { errorCodeOf, streamErrorMask } from './errors';
import type { OperationAdmission } from './admission';
import type { Metrics } from './metrics';
import { clientAddress, type RateLimits } from './rate-limit';
import type { SocketsPerAddress } from './socket-cap';
import { newRequestId } from './request-id';
import { socketClass } from './ws-client-faults';
import { serveGraphqlWs } from './ws-server';

export { CLOSE_POLICY_VIOLATION } from './ws-client-faults';
/** How long sockets get to answer the closing handshake at shutdown before they are cut. */
const CLOSE_GRACE_MS = 1_000;

export interface WsHardening {
  /** The same admission as Server-Sent Events (src/server/admission.ts). */
  admission: OperationAdmission;
  /** Open connections per address (WS_MAX_SOCKETS_PER_ADDRESS), shared with the SSE endpoints. */
  sockets: SocketsPerAddress;
  metrics: Metrics;
  rateLimits: RateLimits;
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
  { admission, sockets, metrics, rateLimits }: WsHardening,
): WsParts {
  let accepting = true;
  const wss = new WebSocketServer({
    // Client faults and floods are answered by the socket class itself (src/server/ws-client-faults.ts).
    WebSocket: socketClass({
      logger,
      messagesPerMinute: config.rateLimits.wsMessagesPerMinute,
      onFlood: () => metrics.limited('wsMessages'),
      onClose: () => metrics.socketClosed(),
    }),
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
          done(false, 429, `Too many open WebSockets and event streams from this address (at most ${config.ws.maxSocketsPerAddress})`);
        },
        () => done(false, 500),
      );
    },
  });
  wss.on('connection', () => metrics.socketOpened());

  const mask = streamErrorMask(config, logger);

  // Each feed event is executed once per distinct (document, variables), not once per socket, and written to
  // every socket as the same serialised message; errors in a result are masked per socket, as onNext does.
  const shared = new SharedExecution({
    contextFor: (context) => makeContext({ requestId: (context as Context).requestId, clientAddress: (context as Context).clientAddress }),
    maskErrors: (errors, context) => errors.map((error) => mask(error, (context as Context).requestId)),
    // A subscription that failed after its client had completed it: nobody left to tell.
    onAbandoned: (error) => logger.debug({ err: { message: (error as Error | null)?.message } }, 'subscription failed after its client left'),
  });

  const cleanup = serveGraphqlWs<Record<string, unknown> | undefined, { requestId?: string; clientAddress?: string }>(
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
        const admitted = admission.admit(payload, [OperationTypeNode.SUBSCRIPTION], 'WebSocket');
        if (!admitted.ok) return refuse(admitted.errors, admitted.type);
        const { document, operation, variableValues } = admitted;
        // graphql-ws keeps this message for as long as the subscription runs. Its text is parsed (the document is
        // shared by every socket sending it) and its variables are copied into variableValues: the copies go.
        const kept = payload as { query: string; variables: unknown };
        kept.query = '';
        kept.variables = null;
        ctx.extra.requestId ??= newRequestId();
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
      disposed ??= closeAll(wss, cleanup.dispose());
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

export { CloseCode };
