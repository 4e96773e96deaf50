import type { Clock } from '../../src/common/clock';

/** A clock that moves only when told to; timers due by then fire as it moves. One can serve several instances. */
export class ManualClock implements Clock {
  private current: number;
  private readonly timers = new Set<{ when: number; fn: () => void }>();

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  at(when: Date, fn: () => void): () => void {
    const timer = { when: when.getTime(), fn };
    this.timers.add(timer);
    // A time already reached fires on the next turn, as a zero delay does with the real clock.
    if (timer.when <= this.current) setImmediate(() => this.fireDue());
    return () => this.timers.delete(timer);
  }

  /** Moves the clock to `to` (never back) and fires every timer due by then. */
  set(to: Date): void {
    this.current = Math.max(this.current, to.getTime());
    this.fireDue();
  }

  private fireDue(): void {
    for (const timer of [...this.timers].sort((a, b) => a.when - b.when)) {
      if (timer.when > this.current) continue;
      this.timers.delete(timer);
      timer.fn();
    }
  }
}
