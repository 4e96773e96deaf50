import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { GraphQLError, OperationTypeNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { createHandler, type OperationResult, type Request as SseRequest, type Response as SseResponse } from 'graphql-sse';
import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors';
import type { Config } from '../config/config';
import type { SharedExecution } from '../feed/fanout';
import type { OperationAdmission } from './admission';
import type { Context, ContextSource } from './context';
import { errorCodeOf, streamErrorMask } from './errors';
import type { EventStreams, StreamRefusal } from './event-streams';
import type { Metrics } from './metrics';
import type { RateLimits } from './rate-limit';
import { isAsyncIterable, once, Outlet, paced, readBody } from './sse-pacing';

export const GRAPHQL_STREAM_PATH = '/graphql/stream';
/** graphql-sse's names for the single-connection token (its header, and its query parameter for EventSource). */
const TOKEN_HEADER = 'x-graphql-event-stream-token';
const TOKEN_PARAMETER = 'token';
const ALLOWED = [OperationTypeNode.QUERY, OperationTypeNode.SUBSCRIPTION] as const;
const TRANSPORT = 'Server-Sent Events';

export interface SseHardening {
  admission: OperationAdmission;
  metrics: Metrics;
  rateLimits: RateLimits;
  streams: EventStreams;
  /** The WebSocket's shared execution: each feed event is executed once for every subscriber on both transports. */
  shared: SharedExecution;
}

/** What this server knows about each graphql-sse request. */
interface RequestContext {
  res: ServerResponse;
  requestId: string;
  address: string;
  outlet: Outlet;
  /** A reservation ended by this server: no admission. */
  internal?: boolean;
}

/**
 * A reservation (graphql-sse's single-connection mode): a token from PUT, one event stream
 * connected with it, and operations POSTed with it. It holds a place in the address's count of
 * connections from the PUT on, and ends if no stream connects within WS_INIT_TIMEOUT_MS (the
 * time a WebSocket has for connection_init).
 */
interface Reservation {
  address: string;
  /** Closes when the reservation ends: the address's place (SocketsPerAddress) is given back. */
  place: Place;
  outlet: Promise<Outlet | null>;
  connect(outlet: Outlet | null): void;
  subscriptions: number;
  timer: NodeJS.Timeout;
}

/** A stand-in connection for SocketsPerAddress: a reservation has no socket of its own until its stream connects. */
class Place extends EventEmitter {
  destroyed = false;
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

/**
 * GraphQL over Server-Sent Events on /graphql/stream: the graphql-sse protocol (its library owns
 * it, so its client and the SSE links of common clients work), in both its modes: distinct
 * connections (one stream per operation) and single connection (PUT a reservation, connect one
 * stream with its token, POST operations with it). Queries and subscriptions; writes go through
 * HTTP, as with WebSocket. Everything else is the WebSocket's: the admission of operations
 * (src/server/admission.ts: limits, codes), the error masking, the rate limits (new connections per
 * address, operations per reservation as messages per socket), WS_MAX_SUBSCRIPTIONS per
 * reservation, and WS_MAX_SOCKETS_PER_ADDRESS counted together with the WebSockets.
 */
export function createSse(
  config: Config,
  schema: GraphQLSchema,
  makeContext: (source: ContextSource) => Context,
  logger: Logger,
  { admission, metrics, rateLimits, streams, shared }: SseHardening,
): (req: ExpressRequest, res: ExpressResponse) => Promise<void> {
  const reservations = new Map<string, Reservation>();
  const mask = streamErrorMask(config, logger);
  const refusal = (refused: StreamRefusal): SseResponse => [
    JSON.stringify({ errors: [{ message: refused.message, extensions: { code: refused.status === 429 ? ErrorCode.RATE_LIMITED : ErrorCode.SERVICE_UNAVAILABLE } }] }),
    {
      status: refused.status,
      statusText: refused.status === 429 ? 'Too Many Requests' : 'Service Unavailable',
      headers: { 'content-type': 'application/json; charset=utf-8', ...(refused.retryAfter !== undefined ? { 'retry-after': String(refused.retryAfter) } : {}) },
    },
  ];
  const errorsOnly = (errors: readonly GraphQLError[]): OperationResult => once({ errors });

  const handler = createHandler<IncomingMessage, RequestContext, Context & Record<PropertyKey, unknown>>({
    schema,
    // Validated by the admission, with the guard's rules (and the same cache of valid documents).
    validate: () => [],
    subscribe: (args) => shared.subscribe(args) as OperationResult,

    authenticate: async (req) => {
      const given = req.headers.get(TOKEN_HEADER) ?? new URL(req.url, 'http://localhost').searchParams.get(TOKEN_PARAMETER);
      if (req.method !== 'PUT') return given ?? undefined;
      // The server chooses the token: one a client picked could be another client's.
      const place = new Place();
      const refused = await streams.admit(req.raw, place);
      if (refused) return refusal(refused);
      const token = randomUUID();
      reserve(token, req.context.address, place);
      return token;
    },

    onConnect: async (req) => {
      if (req.context.internal) return undefined;
      const token = tokenOf(req);
      const reservation = token === null ? undefined : reservations.get(token);
      if (reservation) {
        clearTimeout(reservation.timer);
        reservation.connect(req.context.outlet);
        return undefined;
      }
      // A stream of its own (distinct connections): a connection like a WebSocket.
      const refused = await streams.admit(req.raw, req.context.res);
      return refused ? refusal(refused) : undefined;
    },

    onSubscribe: async (req, params) => {
      const started = performance.now();
      const refuse = (errors: GraphQLError[], type = 'unknown'): OperationResult => {
        metrics.operationDone('sse', type, params.operationName, errorCodeOf(errors[0]), (performance.now() - started) / 1000);
        return errorsOnly(errors);
      };
      const token = tokenOf(req);
      const reservation = token === null ? undefined : reservations.get(token);
      if (reservation && token !== null) {
        // Operations on a reservation are its messages, as a socket's subscribe messages are.
        const retryAfter = await rateLimits.take('wsMessages', token);
        if (retryAfter !== null) {
          return refuse([new GraphQLError(`Too many operations on this stream; try again in ${retryAfter} s.`, { extensions: { code: ErrorCode.RATE_LIMITED, retryAfter } })]);
        }
        if (reservation.subscriptions >= config.ws.maxSubscriptions) {
          return refuse([
            new GraphQLError(`This stream already has ${config.ws.maxSubscriptions} subscriptions; complete one first or open another stream.`, {
              extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, limit: config.ws.maxSubscriptions },
            }),
          ]);
        }
      }
      const admitted = admission.admit(params, ALLOWED, TRANSPORT);
      if (!admitted.ok) return refuse(admitted.errors, admitted.type);
      metrics.operationDone('sse', admitted.operation.operation, admitted.operation.name?.value, 'ok', (performance.now() - started) / 1000);
      const contextValue = makeContext({
        requestId: req.context.requestId,
        clientAddress: req.context.address,
        // Whose turn a feed replay takes: the stream's.
        socket: reservation ?? req.context.res,
      }) as Context & Record<PropertyKey, unknown>;
      return { schema, document: admitted.document, operationName: params.operationName, variableValues: admitted.variableValues, contextValue };
    },

    onOperation: (_ctx, req, _args, result) => {
      if (!isAsyncIterable(result)) return undefined;
      const token = tokenOf(req);
      const reservation = token === null ? undefined : reservations.get(token);
      if (!reservation) return paced(result as AsyncIterableIterator<ExecutionResult>, Promise.resolve(req.context.outlet));
      reservation.subscriptions += 1;
      return paced(result as AsyncIterableIterator<ExecutionResult>, reservation.outlet, () => (reservation.subscriptions -= 1));
    },

    // Errors inside a result, and refusals, get the same masking as on WebSocket and HTTP.
    onNext: (_ctx, req, result) => (result.errors ? { ...result, errors: result.errors.map((error) => mask(error, req.context.requestId) as GraphQLError) } : undefined),
  });

  function tokenOf(req: SseRequest<IncomingMessage, RequestContext>): string | null {
    return req.headers.get(TOKEN_HEADER) ?? new URL(req.url, 'http://localhost').searchParams.get(TOKEN_PARAMETER);
  }

  function reserve(token: string, address: string, place: Place): void {
    let connect!: (outlet: Outlet | null) => void;
    const outlet = new Promise<Outlet | null>((resolve) => (connect = resolve));
    const reservation: Reservation = {
      address,
      place,
      outlet,
      connect,
      subscriptions: 0,
      timer: setTimeout(() => {
        expire(token).catch((error: unknown) => logger.error({ err: error }, 'could not end a reservation'));
      }, config.ws.initTimeoutMs),
    };
    reservations.set(token, reservation);
    place.once('close', () => {
      clearTimeout(reservation.timer);
      reservation.connect(null);
      reservations.delete(token);
    });
  }

  /** A reservation nobody connected to: graphql-sse forgets a stream once it ends, so one is connected and ended at once. */
  async function expire(token: string): Promise<void> {
    const reservation = reservations.get(token);
    if (!reservation) return;
    try {
      const [body] = await handler({
        method: 'GET',
        url: `${GRAPHQL_STREAM_PATH}?${TOKEN_PARAMETER}=${token}`,
        headers: { get: (key) => (key === 'accept' ? 'text/event-stream' : key === TOKEN_HEADER ? token : null) },
        body: null,
        raw: undefined as unknown as IncomingMessage,
        context: { internal: true } as RequestContext,
      });
      if (body && typeof body !== 'string') await body.return(undefined);
    } finally {
      reservation.place.close();
    }
  }

  return async (req, res) => {
    const context: RequestContext = {
      res,
      requestId: String(res.locals.requestId ?? randomUUID()),
      address: streams.addressOf(req),
      outlet: new Outlet(res),
    };
    const [body, init] = await handler({
      method: req.method,
      url: req.originalUrl,
      headers: {
        get(key) {
          const header = req.headers[key];
          return Array.isArray(header) ? header.join('\n') : header;
        },
      },
      body: () => readBody(req, config.ws.maxMessageBytes),
      raw: req,
      context,
    });
    if (!body || typeof body === 'string') {
      res.writeHead(init.status, init.statusText, init.headers);
      res.end(body ?? undefined);
      return;
    }
    const token = req.headers[TOKEN_HEADER] ?? new URL(req.originalUrl, 'http://localhost').searchParams.get(TOKEN_PARAMETER);
    const reservation = typeof token === 'string' ? reservations.get(token) : undefined;
    // The client may have gone while the operation was prepared: nobody will close this stream later.
    if (res.closed || res.destroyed || req.socket.destroyed) {
      await body.return(undefined);
      reservation?.place.close();
      return;
    }
    res.writeHead(init.status, init.statusText, { ...init.headers, 'x-accel-buffering': 'no' });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      void body.return(undefined);
    };
    res.once('close', () => {
      end();
      reservation?.place.close();
    });
    streams.add('graphql', res, end);
    // Written without waiting: the operations wait for the buffer to drain (Outlet), so nothing piles up here.
    try {
      for await (const chunk of body) {
        if (res.writableEnded || res.destroyed) break;
        res.write(chunk);
      }
    } catch (error) {
      logger.error({ err: error, requestId: context.requestId }, 'unexpected error in an event stream');
    }
    if (!res.writableEnded) res.end();
  };
}
