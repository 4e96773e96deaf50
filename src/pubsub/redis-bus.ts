import { EventEmitter } from 'node:events';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusStatus } from './bus';
import type { Topic, TopicPayloads } from './topics';

/**
 * Redis pub/sub between instances (ioredis). Two connections, since a
 * subscribed connection can do nothing else. Publishing does not queue while
 * Redis is down: it fails at once and the relay's polling covers the gap.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new EventEmitter();
  private readonly reconnectListeners: Array<() => void> = [];
  private wasDown = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      // How long disconnect() waits for the socket to end: the default 2 s would delay shutdown.
      disconnectTimeout: 100,
      maxRetriesPerRequest: 1,
      // Keep retrying forever, at most every 2 s: Redis coming back must be noticed.
      retryStrategy: (times: number) => Math.min(times * 100, 2_000),
    };
    this.publisher = new Redis(url, options);
    // ioredis's own resubscription after a reconnect drops its promise: a connection lost again at once
    // (Redis killing pub/sub clients) would reject it unhandled and end the process. Done here instead.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: false });
    this.handlers.setMaxListeners(0);
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.logger.debug({ err: error }, 'redis error'));
    }
    this.subscriber.on('close', () => this.markDown());
    this.subscriber.on('ready', () => {
      this.resubscribe();
      this.markUp();
    });
  }

  get status(): BusStatus {
    return this.subscriber.status === 'ready' && this.publisher.status === 'ready' ? 'up' : 'down';
  }

  async connect(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
  }

  async publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<void> {
    await this.publisher.publish(this.channel(topic), JSON.stringify(payload));
  }

  async subscribe<T extends Topic>(topic: T, handler: (payload: TopicPayloads[T]) => void): Promise<() => void> {
    const channel = this.channel(topic);
    this.handlers.on(channel, handler);
    if (this.handlers.listenerCount(channel) === 1) await this.subscriber.subscribe(channel);
    return () => {
      this.handlers.off(channel, handler);
      if (this.handlers.listenerCount(channel) === 0) void this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async close(): Promise<void> {
    this.handlers.removeAllListeners();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private channel(topic: Topic): string {
    return `${this.prefix}:${topic}`;
  }

  private dispatch(channel: string, message: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      this.logger.warn({ channel }, 'ignored a message that is not JSON');
      return;
    }
    this.handlers.emit(channel, payload);
  }

  /** The channels that have handlers, subscribed again on a new connection; a failure waits for the next one. */
  private resubscribe(): void {
    const channels = this.handlers.eventNames().filter((name): name is string => typeof name === 'string' && this.handlers.listenerCount(name) > 0);
    if (channels.length === 0) return;
    this.subscriber.subscribe(...channels).catch((error: unknown) => this.logger.debug({ err: error }, 'redis resubscribe failed; retrying on reconnect'));
  }

  private markDown(): void {
    if (!this.wasDown) this.logger.warn('redis connection lost; the feed relay falls back to polling PostgreSQL');
    this.wasDown = true;
  }

  private markUp(): void {
    if (!this.wasDown) return;
    this.wasDown = false;
    this.logger.info('redis connection restored');
    for (const listener of this.reconnectListeners) listener();
  }
}
