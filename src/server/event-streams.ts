import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/config';
import type { InFlight } from './in-flight';
import type { Metrics, StreamEndpoint } from './metrics';
import { clientAddress, type RateLimits } from './rate-limit';
import type { Connection, SocketsPerAddress } from './socket-cap';

/** How long streams get to end on their own at shutdown before their connections are cut. */
const CLOSE_GRACE_MS = 1_000;

/** Why a new stream is refused, as an HTTP answer. */
export interface StreamRefusal {
  status: 429 | 503;
  message: string;
  retryAfter?: number;
}

interface OpenStream {
  endpoint: StreamEndpoint;
  /** Ends the stream cleanly (its last events written). */
  end(): void;
}

/**
 * The Server-Sent Events streams of this instance (/graphql/stream and /feed/stream), under the
 * WebSocket's rules: new connections per address and minute (RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE),
 * and connections open at once per address (WS_MAX_SOCKETS_PER_ADDRESS), counted together with the
 * WebSockets. Counted in /metrics while open; ended at shutdown, after the requests in flight.
 */
export class EventStreams {
  private readonly open = new Map<ServerResponse, OpenStream>();
  private accepting = true;

  constructor(
    private readonly config: Pick<Config, 'trustProxyHops' | 'ws'>,
    private readonly sockets: SocketsPerAddress,
    private readonly rateLimits: RateLimits,
    private readonly metrics: Metrics,
    private readonly inFlight: InFlight,
  ) {}

  /** The address a stream is counted under. */
  addressOf(req: IncomingMessage): string {
    return clientAddress(req, this.config.trustProxyHops);
  }

  /**
   * Takes a place for a new stream from `req`'s address, held until `place` closes (the response, or a
   * graphql-sse reservation); null when admitted.
   */
  async admit(req: IncomingMessage, place: Connection): Promise<StreamRefusal | null> {
    if (!this.accepting) return { status: 503, message: 'Shutting down' };
    const address = this.addressOf(req);
    const retryAfter = await this.rateLimits.take('wsConnections', address);
    if (retryAfter !== null) return { status: 429, message: 'Too many new connections from this address', retryAfter };
    if (this.sockets.take(address, place)) return null;
    this.metrics.limited('wsSockets');
    return { status: 429, message: `Too many open WebSockets and event streams from this address (at most ${this.config.ws.maxSocketsPerAddress})` };
  }

  /** A response that stays open: counted until it closes; `end` ends it at shutdown. */
  add(endpoint: StreamEndpoint, res: ServerResponse, end: () => void): void {
    this.inFlight.release(res);
    if (res.closed) return;
    this.open.set(res, { endpoint, end });
    this.metrics.streamOpened(endpoint);
    res.once('close', () => {
      this.open.delete(res);
      this.metrics.streamClosed(endpoint);
    });
  }

  get size(): number {
    return this.open.size;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  /** Ends every stream; connections that have not closed after a second are cut. */
  async closeAll(): Promise<void> {
    this.accepting = false;
    const closing = [...this.open].map(
      ([res, stream]) =>
        new Promise<void>((resolve) => {
          if (res.closed) return resolve();
          res.once('close', () => resolve());
          stream.end();
        }),
    );
    const timer = setTimeout(() => {
      for (const res of this.open.keys()) res.destroy();
    }, CLOSE_GRACE_MS);
    try {
      await Promise.all(closing);
    } finally {
      clearTimeout(timer);
    }
  }
}
