import type { IncomingMessage } from 'node:http';
import { CloseCode, DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, makeServer, type ConnectionInitMessage, type ServerOptions, type WebSocket as ProtocolSocket } from 'graphql-ws';
import { WebSocket, type WebSocketServer } from 'ws';

/** What graphql-ws's `ctx.extra` holds for a socket, as graphql-ws's own `use/ws` gives it. */
export interface Extra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/** What a served socket is told of, once per server. */
interface Hooks {
  isProd: boolean;
  internalError(error: unknown): string;
}

/** A reason the WebSocket close frame can carry (123 bytes at most), as graphql-ws limits it. */
function limitCloseReason(reason: string, whenTooLong: string): string {
  return reason.length < 124 ? reason : whenTooLong;
}

/**
 * The WebSocket class of a server that `serveGraphqlWs` serves (ws's `WebSocket` option; a subclass
 * may add its own policies). What graphql-ws's `use/ws` added to every socket as listeners and
 * closures (message, close, error, pong) is dispatched here from `emit`, with graphql-ws's two
 * callbacks as fields: an idle socket keeps no listener closures and no timers of its own.
 */
export class ServedSocket extends WebSocket {
  private hooks: Hooks | null = null;
  private handleMessage: ((data: string) => Promise<void>) | null = null;
  private closed: ((code: number, reason: string) => Promise<void>) | null = null;
  /** Pinged by the last keep-alive sweep and not heard from since. */
  awaitingPong = false;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const hooks = this.hooks;
    if (hooks) {
      switch (event) {
        case 'message':
          this.handleMessage?.(String(args[0])).catch((error: unknown) => {
            console.error('Internal error occurred during message handling. Please check your implementation.', error);
            this.close(CloseCode.InternalServerError, hooks.internalError(error));
          });
          break;
        case 'pong':
          this.awaitingPong = false;
          break;
        case 'error':
          // use/ws listened once; a later error is logged and closes again rather than throwing from emit.
          console.error('Internal error emitted on a WebSocket socket. Please check your implementation.', args[0]);
          this.close(CloseCode.InternalServerError, hooks.internalError(args[0]));
          return this.listenerCount('error') > 0 ? super.emit(event, ...args) : true;
        case 'close': {
          const [code, reason] = args as [number, Buffer];
          if (!hooks.isProd && code === CloseCode.SubprotocolNotAcceptable && this.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL)
            console.warn(
              `Client provided the unsupported and deprecated subprotocol "${this.protocol}" used by subscriptions-transport-ws.` +
                'Please see https://www.apollographql.com/docs/apollo-server/data/subscriptions/#switching-from-subscriptions-transport-ws.',
            );
          void this.closed?.(code, String(reason));
          break;
        }
      }
    }
    return super.emit(event, ...args);
  }

  /** Served from now on: graphql-ws's `opened` for this socket. */
  serve(hooks: Hooks, open: (socket: ProtocolSocket) => (code: number, reason: string) => Promise<void>): void {
    this.hooks = hooks;
    this.closed = open(new SocketForProtocol(this));
  }

  /** graphql-ws's message handler (its socket's onMessage). */
  listen(handle: (data: string) => Promise<void>): void {
    this.handleMessage = handle;
  }
}

/**
 * graphql-ws served on a `ws` server: graphql-ws's own `useServer` (`graphql-ws/use/ws`, 6.x), the
 * same protocol, close codes, messages and logs, without what it costs each idle socket. With
 * thousands of sockets open for hours, that was a good part of their memory:
 * - keep-alive: one sweep over every socket each `keepAlive` ms pings it, and cuts a socket that has not
 *   answered the previous sweep's ping (use/ws: an interval timer per socket, and a timeout per ping).
 *   A silent peer is cut `keepAlive` ms after its unanswered ping, as before;
 * - a message goes to graphql-ws without an async function around it: use/ws's kept the subscribe
 *   message of every open subscription alive (as a Buffer and as text) until it ended;
 * - listeners and the socket graphql-ws talks to are methods of classes, not closures per socket
 *   (ServedSocket: `wss` must be created with it, or a subclass, as its `WebSocket` option).
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, Extra & Partial<E>> & { isProd: boolean },
  wss: WebSocketServer,
  keepAlive: number,
): { dispose(): Promise<void> } {
  const { isProd } = options;
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  const hooks: Hooks = {
    isProd,
    internalError: (error) => (isProd ? 'Internal server error' : limitCloseReason(error instanceof Error ? error.message : String(error), 'Internal server error')),
  };

  wss.once('error', (error) => {
    console.error('Internal error emitted on the WebSocket server. Please check your implementation.', error);
    let firstError: unknown = null;
    for (const client of wss.clients) {
      try {
        client.close(CloseCode.InternalServerError, hooks.internalError(error));
      } catch (closeError) {
        firstError ??= closeError;
      }
    }
    if (firstError) throw firstError;
  });

  const sweep =
    keepAlive > 0 && isFinite(keepAlive)
      ? setInterval(() => {
          for (const socket of wss.clients as Set<ServedSocket>) {
            if (socket.readyState !== socket.OPEN) continue;
            if (socket.awaitingPong) socket.terminate();
            else {
              socket.awaitingPong = true;
              socket.ping();
            }
          }
        }, keepAlive)
      : null;

  wss.on('connection', (socket, request) => {
    if (!(socket instanceof ServedSocket)) throw new Error('serveGraphqlWs serves a WebSocketServer whose WebSocket option is ServedSocket');
    socket.serve(hooks, (forProtocol) => server.opened(forProtocol, { socket, request } as unknown as Extra & Partial<E>));
  });

  return {
    dispose: async () => {
      if (sweep) clearInterval(sweep);
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The socket as graphql-ws's server sees it (use/ws's object literal, as a class). */
class SocketForProtocol implements ProtocolSocket {
  constructor(private readonly socket: ServedSocket) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) return resolve();
      this.socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.socket.listen(handle);
  }
}
