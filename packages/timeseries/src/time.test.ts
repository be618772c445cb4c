import { InvalidArgumentError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { addSteps, checkTimeIndex, describeFrequency, formatTimestamp, inferFrequency, parseTimestamp, stepsBetween } from './time.js';

const t = (s: string): number => parseTimestamp(s);
const times = (...s: string[]): number[] => s.map(t);

describe('parseTimestamp', () => {
  it('reads ISO-like dates and times as UTC', () => {
    expect(t('1949-01')).toBe(Date.UTC(1949, 0, 1));
    expect(t('1949')).toBe(Date.UTC(1949, 0, 1));
    expect(t('2012-01-31')).toBe(Date.UTC(2012, 0, 31));
    expect(t('2012/1/5')).toBe(Date.UTC(2012, 0, 5));
    expect(t('2017-10-01 13:00')).toBe(Date.UTC(2017, 9, 1, 13));
    expect(t('2017-10-01T13:00:05.25Z')).toBe(Date.UTC(2017, 9, 1, 13, 0, 5, 250));
    expect(t(' 2017-10-01 13:00:00+02:00 ')).toBe(Date.UTC(2017, 9, 1, 11));
    expect(t('2017-10-01T13:00-0130')).toBe(Date.UTC(2017, 9, 1, 14, 30));
    expect(t('0050-06-01')).toBe(new Date(Date.UTC(2000, 5, 1)).setUTCFullYear(50));
  });

  it('gives NaN for anything else, including impossible dates', () => {
    for (const bad of ['', 'Jan 1949', '1949-13', '2013-02-29', '2012-01-01 24:00', '12/31/2012', '2012-01-01T10'])
      expect(parseTimestamp(bad)).toBeNaN();
    expect(t('2012-02-29')).toBe(Date.UTC(2012, 1, 29));
  });

  it('formats dates, and times when not midnight', () => {
    expect(formatTimestamp(t('1958-06-01'))).toBe('1958-06-01');
    expect(formatTimestamp(t('2017-10-01 13:05'))).toBe('2017-10-01 13:05:00');
  });
});

describe('inferFrequency', () => {
  it('finds calendar units (month, quarter, year) and fixed units (second .. week)', () => {
    expect(inferFrequency(times('1949-01', '1949-02', '1949-03'))).toEqual({ unit: 'month', step: 1 });
    expect(inferFrequency(times('2001-01-31', '2001-02-28', '2001-03-31', '2001-04-30'))).toEqual({ unit: 'month', step: 1 });
    expect(inferFrequency(times('2001-01-01', '2001-04-01', '2001-07-01'))).toEqual({ unit: 'quarter', step: 1 });
    expect(inferFrequency(times('2000-03-01', '2002-03-01', '2004-03-01'))).toEqual({ unit: 'year', step: 2 });
    expect(inferFrequency(times('2012-01-01', '2012-01-02', '2012-01-03'))).toEqual({ unit: 'day', step: 1 });
    expect(inferFrequency(times('2012-01-02', '2012-01-09', '2012-01-16'))).toEqual({ unit: 'week', step: 1 });
    expect(inferFrequency(times('2017-10-01 00:00', '2017-10-01 01:00'))).toEqual({ unit: 'hour', step: 1 });
    expect(inferFrequency(times('2017-10-01 00:00', '2017-10-01 00:15', '2017-10-01 00:30'))).toEqual({ unit: 'minute', step: 15 });
    expect(describeFrequency({ unit: 'minute', step: 15 })).toBe('every 15 minutes');
    expect(describeFrequency({ unit: 'month', step: 1 })).toBe('monthly');
  });

  it('takes the most common spacing, so a gap does not hide the frequency', () => {
    expect(inferFrequency(times('1958-03', '1958-04', '1958-05', '1958-07', '1958-08'))).toEqual({ unit: 'month', step: 1 });
    expect(inferFrequency(times('2012-01-01', '2012-01-02', '2012-01-05', '2012-01-06'))).toEqual({ unit: 'day', step: 1 });
  });

  it('rejects too few timestamps and sub-second spacing', () => {
    expect(() => inferFrequency([1])).toThrow(/time: expected at least 2 timestamps to infer a frequency, received 1/);
    expect(() => inferFrequency([0, 1500, 3000])).toThrow(/expected a spacing of whole seconds, received 1500 ms/);
  });
});

describe('addSteps / stepsBetween', () => {
  it('steps by calendar months keeping the day or the month end, and by fixed units', () => {
    const month = { unit: 'month', step: 1 } as const;
    expect(formatTimestamp(addSteps(t('2001-01-31'), month, 1))).toBe('2001-02-28');
    expect(formatTimestamp(addSteps(t('2001-02-28'), month, 1))).toBe('2001-03-31');
    expect(formatTimestamp(addSteps(t('2001-01-15'), month, 13))).toBe('2002-02-15');
    expect(formatTimestamp(addSteps(t('2001-01-15'), month, -1))).toBe('2000-12-15');
    expect(formatTimestamp(addSteps(t('2001-01-15'), { unit: 'quarter', step: 1 }, 2))).toBe('2001-07-15');
    expect(formatTimestamp(addSteps(t('2017-10-01 23:00'), { unit: 'hour', step: 1 }, 2))).toBe('2017-10-02 01:00:00');
    expect(stepsBetween(t('1958-03'), t('1958-07'), month)).toBe(4);
    expect(stepsBetween(t('1958-03-01'), t('1958-07-02'), month)).toBeNull();
    expect(stepsBetween(t('2012-01-01'), t('2012-01-08'), { unit: 'day', step: 2 })).toBeNull();
  });
});

describe('checkTimeIndex', () => {
  const monthly = { unit: 'month', step: 1 } as const;
  const check = (s: string[]) => () => checkTimeIndex(times(...s), monthly);

  it('accepts a regular index', () => {
    expect(check(['1949-01', '1949-02', '1949-03'])).not.toThrow();
  });

  it('names the row of an unsorted, duplicated, missing or off-grid timestamp', () => {
    expect(check(['1949-01', '1949-03', '1949-02'])).toThrow(InvalidArgumentError);
    expect(check(['1949-01', '1949-03', '1949-02'])).toThrow(
      'time (row 2): expected timestamps in increasing order, after 1949-03-01 (row 1), received 1949-02-01, which is earlier (unsorted)',
    );
    expect(check(['1949-01', '1949-02', '1949-02'])).toThrow(
      'time (row 2): expected a timestamp after 1949-02-01 (row 1), received 1949-02-01 again (duplicated timestamp)',
    );
    expect(check(['1958-03', '1958-04', '1958-07'])).toThrow(
      'time (row 2): expected 1958-05-01, the monthly step after 1958-04-01 (row 1), received 1958-07-01: 2 missing timestamps',
    );
    expect(check(['1958-03', '1958-04', '1958-04-15'])).toThrow(/off the monthly grid/);
  });

  it('uses the caller’s argument and row labels', () => {
    expect(() =>
      checkTimeIndex(
        times('2012-01-01', '2012-01-03'),
        { unit: 'day', step: 1 },
        { argument: 'time column "date"', rowLabel: (r) => `line ${r + 2}` },
      ),
    ).toThrow(
      'time column "date" (line 3): expected 2012-01-02, the daily step after 2012-01-01 (line 2), received 2012-01-03: 1 missing timestamp',
    );
  });
});
