/**
 * The time of day, for what happens at a given time (a policy version's first day). Real time by
 * default; tests give startApp their own to move time forward.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` once, when the clock reads `when` or later; returns what cancels it. */
  at(when: Date, fn: () => void): () => void;
}

/** setTimeout's longest delay (about 24.8 days): a longer wait is taken in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  at(when, fn) {
    let timer: NodeJS.Timeout | undefined;
    const arm = (delay: number) => {
      timer = setTimeout(() => {
        // Timers run on a monotonic clock and the wall clock may have moved meanwhile: early, wait again.
        const left = when.getTime() - Date.now();
        if (left > 0) arm(left);
        else fn();
      }, Math.min(delay, MAX_DELAY_MS));
      timer.unref();
    };
    arm(Math.max(0, when.getTime() - Date.now()));
    return () => clearTimeout(timer);
  },
};

/** The UTC midnight after `now`. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}
