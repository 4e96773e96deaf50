import { formatIsoDate, parseIsoDate, todayUtc } from '../../src/common/dates';
import { BadUserInputError } from '../../src/common/errors';
import { dayRange } from '../../src/common/filters';
import { calendarDate, parseInput } from '../../src/common/validation';
import { z } from 'zod';

function refusal(value: string): BadUserInputError {
  try {
    parseIsoDate(value, 'input.effectiveFrom');
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return error as BadUserInputError;
  }
  throw new Error(`accepted ${value}`);
}

describe('parseIsoDate', () => {
  it('reads YYYY-MM-DD as that day\'s UTC midnight', () => {
    expect(parseIsoDate('2022-09-19', 'date').toISOString()).toBe('2022-09-19T00:00:00.000Z');
    expect(parseIsoDate('2024-02-29', 'date').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('refuses days that do not exist instead of rolling over', () => {
    for (const value of ['2022-02-30', '2023-02-29', '2022-04-31', '2022-13-01', '2022-00-10', '2022-01-00']) {
      expect(refusal(value).reason).toBe(`"${value}" is not a calendar date`);
    }
  });

  it('refuses anything but the strict form, naming the field', () => {
    for (const value of ['2022-9-1', '22-09-01', '2022-09-01T00:00:00Z', ' 2022-09-01', '2022/09/01', '', '19.09.2022']) {
      const error = refusal(value);
      expect(error.reason).toBe(`"${value}" is not a date in the form YYYY-MM-DD`);
      expect(error.field).toBe('input.effectiveFrom');
    }
  });

  it('writes dates back in the same form', () => {
    expect(formatIsoDate(parseIsoDate('2022-09-30', 'date'))).toBe('2022-09-30');
  });
});

describe('todayUtc', () => {
  it('is the UTC calendar day, whatever the offset of the instant', () => {
    expect(todayUtc(new Date('2022-09-19T23:30:00-05:00')).toISOString()).toBe('2022-09-20T00:00:00.000Z');
    expect(todayUtc(new Date('2022-09-20T00:30:00+03:00')).toISOString()).toBe('2022-09-19T00:00:00.000Z');
  });
});

describe('calendarDate (write input)', () => {
  const schema = z.object({ effectiveFrom: calendarDate });

  it('accepts a strict date string or a valid Date', () => {
    expect(parseInput(schema, { effectiveFrom: '2022-09-19' }).effectiveFrom.toISOString()).toBe('2022-09-19T00:00:00.000Z');
    const date = new Date('2022-09-19T00:00:00Z');
    expect(parseInput(schema, { effectiveFrom: date }).effectiveFrom).toBe(date);
  });

  it('refuses an impossible day or an invalid Date as BAD_USER_INPUT on the field\'s path', () => {
    for (const effectiveFrom of ['2022-02-30', new Date(Number.NaN)]) {
      expect(() => parseInput(schema, { effectiveFrom })).toThrow(expect.objectContaining({ field: 'input.effectiveFrom' }));
    }
  });
});

describe('dayRange', () => {
  const day = (value: string) => parseIsoDate(value, 'd');

  it('makes from and to whole days: from its first instant up to the next day', () => {
    expect(dayRange(day('2022-09-23'), day('2022-09-24'))).toEqual({ gte: day('2022-09-23'), lt: day('2022-09-25') });
    expect(dayRange(null, day('2022-09-24'))).toEqual({ lt: day('2022-09-25') });
    expect(dayRange(day('2022-09-23'), undefined)).toEqual({ gte: day('2022-09-23') });
    expect(dayRange(null, null)).toBeUndefined();
  });

  it('accepts one day and refuses a to before from', () => {
    expect(dayRange(day('2022-09-23'), day('2022-09-23'))).toEqual({ gte: day('2022-09-23'), lt: day('2022-09-24') });
    expect(() => dayRange(day('2022-09-24'), day('2022-09-23'))).toThrow(expect.objectContaining({ field: 'filter.to' }));
  });
});
