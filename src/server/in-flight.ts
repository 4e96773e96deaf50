import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/** Counts HTTP requests being answered, so shutdown can wait for them before closing the sockets. */
export class InFlight {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  readonly middleware: RequestHandler = (_req, res, next) => {
    this.track(res);
    next();
  };

  /** Counts one response until it closes (early hits are answered outside Express). */
  track(res: ServerResponse): void {
    this.count += 1;
    res.once('close', () => {
      this.count -= 1;
      if (this.count === 0) for (const wake of this.waiters) wake();
    });
  }

  get size(): number {
    return this.count;
  }

  /** Resolves true once no request is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(idle);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
    });
  }
}
