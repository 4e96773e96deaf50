import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A subscription through a real graphql-ws client that keeps every message
 * it gets, so a test can wait for "n results" without missing any.
 */
export class TestSubscription<T = any> {
  readonly results: Array<FormattedExecutionResult<T, unknown>> = [];
  error: unknown = null;
  completed = false;
  private readonly waiters = new Set<() => void>();
  private readonly dispose: () => void;

  constructor(
    readonly client: Client,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    this.dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => this.record(() => this.results.push(result)),
        error: (error) => this.record(() => (this.error = error)),
        complete: () => this.record(() => (this.completed = true)),
      },
    );
  }

  get data(): T[] {
    return this.results.filter((r) => r.data).map((r) => r.data as T);
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs` with what was received. */
  async waitFor(predicate: (sub: this) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (predicate(this)) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; got ${this.results.length} results, error=${String(this.error)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  waitForCount(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((s) => s.results.length >= count, timeoutMs, `${count} results`);
  }

  waitForEnd(timeoutMs?: number): Promise<void> {
    return this.waitFor((s) => s.completed || s.error !== null, timeoutMs, 'the end of the subscription');
  }

  unsubscribe(): void {
    this.dispose();
  }

  private record(change: () => void): void {
    change();
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A graphql-ws client with no retries: a test decides itself when to reconnect. */
export function wsClient(url: string, options: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...options });
}
