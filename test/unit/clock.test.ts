import { nextUtcMidnight, systemClock } from '../../src/common/clock';
import { ManualClock } from '../helpers/clock';

describe('nextUtcMidnight', () => {
  it('is the start of the next UTC day, from any time of this one, across months and years', () => {
    expect(nextUtcMidnight(new Date('2022-09-18T00:00:00.000Z')).toISOString()).toBe('2022-09-19T00:00:00.000Z');
    expect(nextUtcMidnight(new Date('2022-09-18T23:59:59.999Z')).toISOString()).toBe('2022-09-19T00:00:00.000Z');
    expect(nextUtcMidnight(new Date('2024-02-28T12:00:00.000Z')).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(nextUtcMidnight(new Date('2026-12-31T23:00:00.000Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('systemClock.at', () => {
  it('calls back once the time is reached, never before, and not at all once cancelled', async () => {
    const when = new Date(Date.now() + 50);
    const fired: number[] = [];
    systemClock.at(when, () => fired.push(Date.now()));
    const cancelled = systemClock.at(new Date(Date.now() + 50), () => fired.push(-1));
    cancelled();
    for (let waited = 0; fired.length === 0 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    // The cancelled one was due at the same moment: had it been left armed, it would have fired by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(when.getTime());
  });

  it('calls back on a later turn, not synchronously, for a time already past', async () => {
    let fired = false;
    systemClock.at(new Date(Date.now() - 1_000), () => (fired = true));
    expect(fired).toBe(false);
    for (let waited = 0; !fired && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fired).toBe(true);
  });
});

describe('ManualClock (the tests\' clock)', () => {
  it('fires the timers a move reaches, in time order, and only those', () => {
    const clock = new ManualClock(new Date('2022-09-18T12:00:00Z'));
    const fired: string[] = [];
    clock.at(new Date('2022-09-20T00:00:00Z'), () => fired.push('20th'));
    clock.at(new Date('2022-09-19T00:00:00Z'), () => fired.push('19th'));
    clock.set(new Date('2022-09-18T23:59:59Z'));
    expect(fired).toEqual([]);
    clock.set(new Date('2022-09-20T00:00:01Z'));
    expect(fired).toEqual(['19th', '20th']);
    expect(clock.now().toISOString()).toBe('2022-09-20T00:00:01.000Z');
  });
});
