import { EventEmitter } from 'node:events';
import type { Bus } from './bus';
import type { Topic, TopicPayloads } from './topics';

/** The in-process bus of a single instance (embedded mode, or no REDIS_URL). */
export class LocalBus implements Bus {
  readonly kind = 'local' as const;
  readonly status = 'up' as const;
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<void> {
    this.emitter.emit(topic, payload);
  }

  async subscribe<T extends Topic>(topic: T, handler: (payload: TopicPayloads[T]) => void): Promise<() => void> {
    this.emitter.on(topic, handler);
    return () => this.emitter.off(topic, handler);
  }

  onReconnect(): void {
    // Never disconnects.
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
