import pino from 'pino';
import { InForceScheduler } from '../../src/feed/in-force.scheduler';
import type { InForceWriter } from '../../src/feed/in-force.writer';
import { ManualClock } from '../helpers/clock';

/** The scheduler's timing alone, over a writer that records the days it is asked about. */
function writer(fail: (call: number) => boolean = () => false) {
  const days: string[] = [];
  let running = 0;
  let overlapped = false;
  const fake = {
    days,
    get overlapped() {
      return overlapped;
    },
    async announceDue(today: Date) {
      if (running > 0) overlapped = true;
      running += 1;
      try {
        days.push(today.toISOString().slice(0, 10));
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (fail(days.length)) throw new Error('database down');
        return [];
      } finally {
        running -= 1;
      }
    },
  };
  return fake;
}

const until = async (check: () => boolean) => {
  for (let waited = 0; !check() && waited < 5_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('InForceScheduler', () => {
  const silent = pino({ level: 'silent' });

  it('catches up at start, then runs at each UTC midnight of its clock, one run at a time', async () => {
    const clock = new ManualClock(new Date('2022-09-18T22:00:00Z'));
    const fake = writer();
    const scheduler = new InForceScheduler(fake as unknown as InForceWriter, clock, silent, { safetyNetMs: 60_000 });
    await scheduler.start();
    expect(fake.days).toEqual(['2022-09-18']);
    clock.set(new Date('2022-09-18T23:59:59Z'));
    clock.set(new Date('2022-09-19T00:00:00Z'));
    await until(() => fake.days.length === 2);
    // Two midnights passed in one move: one run covers both (the writer looks at every day up to today).
    clock.set(new Date('2022-09-21T00:00:05Z'));
    await until(() => fake.days.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await scheduler.stop();
    expect(fake.days[1]).toBe('2022-09-19');
    expect(fake.days.at(-1)).toBe('2022-09-21');
    expect(fake.overlapped).toBe(false);
  });

  it('retries a failed run (the database down at midnight) on its safety net', async () => {
    const clock = new ManualClock(new Date('2022-09-18T23:00:00Z'));
    const fake = writer((call) => call === 2);
    const scheduler = new InForceScheduler(fake as unknown as InForceWriter, clock, silent, { safetyNetMs: 30 });
    await scheduler.start();
    clock.set(new Date('2022-09-19T00:00:01Z'));
    await until(() => fake.days.length >= 3);
    await scheduler.stop();
    expect(fake.days.slice(0, 3)).toEqual(['2022-09-18', '2022-09-19', '2022-09-19']);
  });

  it('does nothing once stopped, whatever the clock does', async () => {
    const clock = new ManualClock(new Date('2022-09-18T23:00:00Z'));
    const fake = writer();
    const scheduler = new InForceScheduler(fake as unknown as InForceWriter, clock, silent, { safetyNetMs: 20 });
    await scheduler.start();
    await scheduler.stop();
    const runs = fake.days.length;
    clock.set(new Date('2022-09-20T00:00:01Z'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.days).toHaveLength(runs);
  });
});
