import { CloseCode } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { ServedSocket } from './ws-server';

/** Message types only a server sends. */
const SERVER_TYPES = new Set(['next', 'error', 'connection_ack']);

/** Policy violation (RFC 6455): the close code for a socket that floods us with messages. 4429 means a second connection_init in graphql-ws. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** How long a flooding socket gets to answer the closing handshake before it is cut. */
const FLOOD_CLOSE_GRACE_MS = 1_000;
/** The message limit's window: a fixed minute from a socket's first message, as rate-limiter-flexible counted it. */
const MESSAGE_WINDOW_MS = 60_000;

const baseSend = WebSocket.prototype.send as (this: WebSocket, data: unknown, options?: object, callback?: (error?: Error) => void) => void;

export interface SocketPolicy {
  logger: Logger;
  /** Messages per socket and minute (RATE_LIMIT_WS_MESSAGES_PER_MINUTE). */
  messagesPerMinute: number;
  /** Told when a socket goes over it (metrics). */
  onFlood(): void;
  /** Told once per socket, when it has closed (metrics). */
  onClose(): void;
}

/**
 * The server's WebSocket class (ws's `WebSocket` option): a client's faults and floods are answered
 * here, before graphql-ws sees a message. Written as a subclass, not as listeners and wrappers added
 * to each socket, because an idle socket should cost what `ws` costs: its state is three fields,
 * its behaviour is on the prototype (no closures, bound functions or timers per socket).
 *
 * Protocol faults. graphql-ws (`use/ws`) takes two kinds for faults of ours and writes each to the
 * log with console.error and a stack trace, so any client could fill the log at will (the attack
 * suite's protocol-abuse client did):
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
 *
 * Floods. Messages per socket and minute (RATE_LIMIT_WS_MESSAGES_PER_MINUTE), counted in fixed
 * windows from the socket's first message: beyond the limit the socket is closed with 1008 (and cut
 * if it does not answer). A message refused as a protocol fault is not counted.
 */
export function socketClass(policy: SocketPolicy): typeof ServedSocket {
  return class PolicedSocket extends ServedSocket {
    /** A server-only message type was received: nothing more from this socket is read. */
    private refused = false;
    /** Closed for flooding. */
    private flooded = false;
    private windowEndsAt = 0;
    private messagesInWindow = 0;

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        if (this.refused || sentServerType(args[0])) {
          if (!this.refused) {
            this.refused = true;
            this.close(CloseCode.BadRequest, 'Invalid message received');
          }
          return true;
        }
        const delivered = super.emit(event, ...args);
        this.count();
        return delivered;
      }
      if (event === 'error' && isProtocolError(args[0])) {
        policy.logger.debug({ err: { message: args[0].message, code: args[0].code } }, 'WebSocket frame refused');
        return true;
      }
      if (event === 'close') policy.onClose();
      return super.emit(event, ...args);
    }

    override send(data: unknown, optionsOrCallback?: object | ((error?: Error) => void), callback?: (error?: Error) => void): void {
      const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
      // Without a callback (the fan-out's writes) there is no error to pass on: straight through.
      if (!done) return baseSend.call(this, data, optionsOrCallback as object | undefined);
      const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
      return baseSend.call(this, data, options, (error?: Error) => done(error && peerGone(error) ? undefined : error));
    }

    private count(): void {
      if (this.flooded) return;
      const now = Date.now();
      if (now >= this.windowEndsAt) {
        this.windowEndsAt = now + MESSAGE_WINDOW_MS;
        this.messagesInWindow = 0;
      }
      this.messagesInWindow += 1;
      if (this.messagesInWindow <= policy.messagesPerMinute) return;
      this.flooded = true;
      policy.onFlood();
      this.close(CLOSE_POLICY_VIOLATION, 'Too many messages');
      setTimeout(() => this.terminate(), FLOOD_CLOSE_GRACE_MS).unref();
    }
  };
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
