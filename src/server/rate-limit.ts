import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/config';

export type RateLimitKind = 'writes' | 'wsConnections' | 'wsMessages';

/**
 * Fixed one-minute windows in this instance's memory (rate-limiter-flexible).
 * Each instance counts on its own, so behind a load balancer of n instances a
 * client may get up to n times the limit: these limits stop floods, they are
 * not quotas. Writes and new WebSocket connections are counted per client
 * address, messages per socket.
 */
export class RateLimits {
  private readonly limiters: Record<RateLimitKind, RateLimiterMemory>;

  constructor(
    limits: Config['rateLimits'],
    private readonly onLimited: (kind: RateLimitKind) => void = () => undefined,
  ) {
    const perMinute = (points: number) => new RateLimiterMemory({ points, duration: 60 });
    this.limiters = {
      writes: perMinute(limits.writesPerMinute),
      wsConnections: perMinute(limits.wsConnectionsPerMinute),
      wsMessages: perMinute(limits.wsMessagesPerMinute),
    };
  }

  /**
   * Null when all `points` are allowed; otherwise the seconds after which the client may try again.
   * A refused request costs nothing: what remained stays for a smaller one.
   */
  async take(kind: RateLimitKind, key: string, points = 1): Promise<number | null> {
    try {
      await this.limiters[kind].consume(key, points);
      return null;
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      await this.limiters[kind].reward(key, points);
      this.onLimited(kind);
      return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
    }
  }
}

/**
 * The address a request came from: the socket's peer, or, behind `hops`
 * trusted proxies, the X-Forwarded-For entry the outermost trusted proxy
 * wrote (entries further left are whatever the client claimed).
 */
export function clientAddress(request: IncomingMessage, hops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (hops === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - hops)]!;
}
