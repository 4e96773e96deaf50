/**
 * A mode's timeline. The run is cut in three phases of fixed shares of --duration:
 *   baseline  honest clients only; memory is measured at its end
 *   hostile   honest and hostile clients, and (cluster) the faults
 *   settle    honest clients only again; memory is measured at its end
 * Faults are recorded as windows, so that an error an honest client sees can be told apart:
 * SERVICE_UNAVAILABLE while PostgreSQL restarts is documented, the same error at another time is not.
 */
export type Phase = 'baseline' | 'hostile' | 'settle' | 'end';

export const PHASE_SHARES = { baseline: 0.2, hostile: 0.55, settle: 0.25 } as const;

export type FaultKind = 'postgres-restart' | 'redis-restart' | 'instance-kill';

export interface FaultWindow {
  kind: FaultKind;
  /** The instance slot it concerns (instance-kill). */
  slot?: string;
  start: number;
  end: number;
}

/** How long after a fault ends its effects may still show (a pool reconnecting, a request that started during it). */
export const FAULT_GRACE_MS = 4_000;

export class Clock {
  readonly t0 = Date.now();
  readonly windows: FaultWindow[] = [];

  constructor(readonly durationMs: number) {}

  get hostileStart(): number {
    return this.t0 + this.durationMs * PHASE_SHARES.baseline;
  }

  get settleStart(): number {
    return this.t0 + this.durationMs * (PHASE_SHARES.baseline + PHASE_SHARES.hostile);
  }

  get end(): number {
    return this.t0 + this.durationMs;
  }

  phaseAt(time: number): Phase {
    if (time < this.hostileStart) return 'baseline';
    if (time < this.settleStart) return 'hostile';
    if (time < this.end) return 'settle';
    return 'end';
  }

  /** Seconds since the start, for logs and reports. */
  at(time = Date.now()): string {
    return `t+${((time - this.t0) / 1000).toFixed(1)}s`;
  }

  open(kind: FaultKind, slot?: string): FaultWindow {
    const window: FaultWindow = { kind, ...(slot ? { slot } : {}), start: Date.now(), end: Number.POSITIVE_INFINITY };
    this.windows.push(window);
    return window;
  }

  close(window: FaultWindow): void {
    window.end = Date.now();
  }

  /** The fault windows (with their grace) that overlap [start, end], of the given kinds. */
  faultsDuring(start: number, end: number, kinds: readonly FaultKind[]): FaultWindow[] {
    return this.windows.filter((w) => kinds.includes(w.kind) && w.start <= end && w.end + FAULT_GRACE_MS >= start);
  }
}

/** A client's life: runs until stopped; its sleeps end early when it is stopped. */
export class Lifetime {
  private stopped = false;
  private readonly wakers = new Set<() => void>();

  get active(): boolean {
    return !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
    this.wakers.clear();
  }

  /** Calls `fn` when stopped (at once if already): to end a wait that no sleep covers. Returns the unregistration. */
  onStop(fn: () => void): () => void {
    if (this.stopped) {
      fn();
      return () => undefined;
    }
    this.wakers.add(fn);
    return () => this.wakers.delete(fn);
  }

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Resolves when stopped. */
  ended(): Promise<void> {
    return new Promise((resolve) => this.onStop(resolve));
  }

  /** Sleeps until `time` (epoch ms). */
  until(time: number): Promise<void> {
    return this.sleep(Math.max(0, time - Date.now()));
  }
}
