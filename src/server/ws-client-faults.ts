import { CloseCode } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';

/** Message types only a server sends. */
const SERVER_TYPES = new Set(['next', 'error', 'connection_ack']);

/**
 * A client's protocol faults, answered before graphql-ws sees them. graphql-ws (`use/ws`) takes
 * two kinds for faults of ours and writes each to the log with console.error and a stack trace,
 * so any client could fill the log at will (the attack suite's protocol-abuse client did):
 * - a message of a type only servers send: it would throw inside graphql-ws ("Unexpected message
 *   of type next received") and close with 4500 (internal error). Closed here with 4400 (bad
 *   request) instead, and nothing more from that socket is read;
 * - a frame `ws` refuses (over WS_MAX_MESSAGE_BYTES, invalid UTF-8, broken framing): `ws` has
 *   already closed the connection with the matching code (1009, 1007, 1002) when it emits the
 *   error. Logged here at debug level only;
 * - an answer written to a client that has just gone (EPIPE, ECONNRESET: a burst of subscribe
 *   messages, then a reset). The write is not an error of ours: the socket's close follows and
 *   ends its subscriptions.
 * Everything else goes to the socket's listeners as before.
 */
export function answerClientFaults(socket: WebSocket, logger: Logger): void {
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  let refused = false;
  socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'message' && (refused || sentServerType(args[0]))) {
      if (!refused) {
        refused = true;
        socket.close(CloseCode.BadRequest, 'Invalid message received');
      }
      return true;
    }
    if (event === 'error' && isProtocolError(args[0])) {
      logger.debug({ err: { message: args[0].message, code: args[0].code } }, 'WebSocket frame refused');
      return true;
    }
    return emit(event, ...args);
  }) as WebSocket['emit'];

  const send = socket.send.bind(socket) as (data: unknown, options?: object, callback?: (error?: Error) => void) => void;
  socket.send = ((data: unknown, optionsOrCallback?: object | ((error?: Error) => void), callback?: (error?: Error) => void): void => {
    const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    // Without a callback (the fan-out's writes) there is no error to pass on: straight through.
    if (!done) return send(data, optionsOrCallback as object | undefined);
    const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
    return send(data, options, (error?: Error) => done(error && peerGone(error) ? undefined : error));
  }) as WebSocket['send'];
}

/** The peer reset or closed the connection under a write. */
function peerGone(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED';
}

/** `ws` marks what it refuses in a client's frames with codes WS_ERR_*; other errors (the TCP socket's) are not the client's protocol. */
function isProtocolError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('WS_ERR_');
}

function sentServerType(data: unknown): boolean {
  const text = String(data);
  if (!/"type"\s*:\s*"(next|error|connection_ack)"/.test(text)) return false;
  try {
    return SERVER_TYPES.has((JSON.parse(text) as { type?: unknown }).type as string);
  } catch {
    return false;
  }
}
