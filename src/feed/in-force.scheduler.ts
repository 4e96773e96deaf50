import type { Logger } from 'pino';
import { nextUtcMidnight, type Clock } from '../common/clock';
import { todayUtc } from '../common/dates';
import type { InForceWriter } from './in-force.writer';

export interface InForceSchedulerOptions {
  /** How often to look anyway: a run that failed (database down at midnight) or a clock that jumped. */
  safetyNetMs: number;
}

/**
 * Runs the in-force writer in every instance: at start (catching up on any midnight no instance
 * was running at), at each UTC midnight by `clock`, and every `safetyNetMs`. Every instance does
 * it; the writer makes sure each version is announced once.
 */
export class InForceScheduler {
  private running: Promise<void> | null = null;
  private again = false;
  private cancelMidnight: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Consecutive failed runs: only the first is a warning. */
  private failures = 0;

  constructor(
    private readonly writer: InForceWriter,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: InForceSchedulerOptions,
  ) {}

  /** Resolves once the catch-up has run (or failed, to be retried by the safety net). */
  async start(): Promise<void> {
    this.armMidnight();
    this.timer = setInterval(() => this.request(), this.options.safetyNetMs);
    this.timer.unref();
    this.request();
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelMidnight?.();
    clearInterval(this.timer);
    await this.running;
  }

  private armMidnight(): void {
    this.cancelMidnight = this.clock.at(nextUtcMidnight(this.clock.now()), () => {
      if (this.stopped) return;
      this.request();
      this.armMidnight();
    });
  }

  /** One run at a time; a request during a run makes one more run after it. */
  private request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }

  private async run(): Promise<void> {
    const today = todayUtc(this.clock.now());
    try {
      const written = await this.writer.announceDue(today);
      if (written.length > 0) this.logger.info({ items: written.length, today }, 'policy versions in force: feed items written');
      if (this.failures > 0) this.logger.info({ failures: this.failures }, 'in-force check reaches the database again');
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.logger[this.failures === 1 ? 'warn' : 'debug']({ err: error }, 'in-force check failed; the safety net retries it');
    }
  }
}
