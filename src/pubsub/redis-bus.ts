import { EventEmitter } from 'node:events';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusRejection, BusStatus } from './bus';
import type { BusIdentity } from './create-bus';
import { open, seal } from './envelope';
import type { Topic, TopicPayloads } from './topics';

/**
 * Redis pub/sub between instances (ioredis). Two connections, since a
 * subscribed connection can do nothing else. Publishing does not queue while
 * Redis is down: it fails at once and the relay's polling covers the gap.
 * What arrives is checked before any handler sees it (src/pubsub/envelope.ts):
 * a message that is malformed or from another deployment is dropped and counted.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new EventEmitter();
  /** Subscribed channels and their topics, to know which schema a message must pass. */
  private readonly topics = new Map<string, Topic>();
  private readonly warned = new Set<BusRejection>();
  private readonly reconnectListeners: Array<() => void> = [];
  private wasDown = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly identity: BusIdentity,
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
    await this.publisher.publish(this.channel(topic), seal(this.identity.deployment, payload));
  }

  async subscribe<T extends Topic>(topic: T, handler: (payload: TopicPayloads[T]) => void): Promise<() => void> {
    const channel = this.channel(topic);
    this.topics.set(channel, topic);
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
    const topic = this.topics.get(channel);
    if (!topic) return;
    const opened = open(topic, this.identity.deployment, message);
    if ('rejected' in opened) return this.reject(opened.rejected, channel);
    try {
      this.handlers.emit(channel, opened.payload);
    } catch (error) {
      // Inside ioredis's event handler a throw would end the process.
      this.logger.error({ err: error, channel }, 'a bus handler failed');
    }
  }

  /** Counted every time; logged as a warning once per reason (a flood must not flood the log too). */
  private reject(reason: BusRejection, channel: string): void {
    this.identity.rejected(reason);
    const level = this.warned.has(reason) ? 'debug' : 'warn';
    this.warned.add(reason);
    const why = reason === 'foreign' ? 'it comes from another deployment sharing this Redis (give each its own REDIS_PREFIX)' : 'it is malformed';
    this.logger[level]({ channel, reason }, `dropped a message on the bus: ${why}`);
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
