import type { Topic, TopicPayloads } from './topics';

export type BusStatus = 'up' | 'down';

/** Why a message that arrived on a channel was dropped (the `reason` of borderwatch_bus_messages_rejected_total). */
export type BusRejection = 'malformed' | 'foreign';

/**
 * Messages between instances. Delivery is at most once: a message can be
 * lost (Redis restarts, a subscriber reconnects), so nothing may depend on
 * one arriving; the feed relay fills gaps from PostgreSQL. Nor may anything
 * depend on a message being true: anyone who can reach Redis can publish.
 */
export interface Bus {
  readonly kind: 'local' | 'redis';
  readonly status: BusStatus;
  /** Resolves once handed over; rejects when the bus is down (the caller carries on). */
  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<void>;
  /**
   * Resolves once the subscription is active, so nothing published after that is missed by design.
   * The handler gets only payloads of this deployment that pass the topic's schema.
   */
  subscribe<T extends Topic>(topic: T, handler: (payload: TopicPayloads[T]) => void): Promise<() => void>;
  /** Called when the bus comes back after being down: messages may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
