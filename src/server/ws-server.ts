import type { IncomingMessage } from 'node:http';
import { CloseCode, DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, makeServer, type ConnectionInitMessage, type ServerOptions, type WebSocket as ProtocolSocket } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/** What graphql-ws's `ctx.extra` holds for a socket, as graphql-ws's own `use/ws` gives it. */
export interface Extra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/** A reason the WebSocket close frame can carry (123 bytes at most), as graphql-ws limits it. */
function limitCloseReason(reason: string, whenTooLong: string): string {
  return reason.length < 124 ? reason : whenTooLong;
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
 * - the socket graphql-ws talks to is a small object with its methods on a prototype, not closures.
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, Extra & Partial<E>> & { isProd: boolean },
  wss: WebSocketServer,
  keepAlive: number,
): { dispose(): Promise<void> } {
  const { isProd } = options;
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  const internalError = (error: unknown) => (isProd ? 'Internal server error' : limitCloseReason(error instanceof Error ? error.message : String(error), 'Internal server error'));

  wss.once('error', (error) => {
    console.error('Internal error emitted on the WebSocket server. Please check your implementation.', error);
    let firstError: unknown = null;
    for (const client of wss.clients) {
      try {
        client.close(CloseCode.InternalServerError, internalError(error));
      } catch (closeError) {
        firstError ??= closeError;
      }
    }
    if (firstError) throw firstError;
  });

  // Sockets pinged by the last sweep and not heard from since.
  const unanswered = new WeakSet<WebSocket>();
  function onPong(this: WebSocket): void {
    unanswered.delete(this);
  }
  function onSocketError(this: WebSocket, error: Error): void {
    console.error('Internal error emitted on a WebSocket socket. Please check your implementation.', error);
    this.close(CloseCode.InternalServerError, internalError(error));
  }
  const sweep =
    keepAlive > 0 && isFinite(keepAlive)
      ? setInterval(() => {
          for (const socket of wss.clients) {
            if (socket.readyState !== socket.OPEN) continue;
            if (unanswered.has(socket)) socket.terminate();
            else {
              unanswered.add(socket);
              socket.ping();
            }
          }
        }, keepAlive)
      : null;

  wss.on('connection', (socket, request) => {
    socket.on('error', onSocketError);
    socket.on('pong', onPong);
    const closed = server.opened(new SocketForProtocol(socket, internalError), { socket, request } as Extra & Partial<E>);
    // `ws` emits close once.
    socket.on('close', (code, reason) => {
      if (!isProd && code === CloseCode.SubprotocolNotAcceptable && socket.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL)
        console.warn(
          `Client provided the unsupported and deprecated subprotocol "${socket.protocol}" used by subscriptions-transport-ws.` +
            'Please see https://www.apollographql.com/docs/apollo-server/data/subscriptions/#switching-from-subscriptions-transport-ws.',
        );
      void closed(code, String(reason));
    });
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
  constructor(
    private readonly socket: WebSocket,
    private readonly internalError: (error: unknown) => string,
  ) {}

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
    const { socket, internalError } = this;
    socket.on('message', (message) => {
      handle(String(message)).catch((error: unknown) => {
        console.error('Internal error occurred during message handling. Please check your implementation.', error);
        socket.close(CloseCode.InternalServerError, internalError(error));
      });
    });
  }
}
