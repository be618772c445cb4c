import { describe, expect, it } from 'vitest';
import { calendarFeatures, defaultCalendarFields } from './calendar.js';
import { parseTimestamp } from './time.js';

const t = parseTimestamp;

describe('calendar features', () => {
  it('cyclic: a sin/cos pair per field', () => {
    const c = calendarFeatures([t('2020-03-01'), t('2020-12-01')], ['month']);
    expect(c.names).toEqual(['month_sin', 'month_cos']);
    expect(c.values[0]).toBeCloseTo(Math.sin(Math.PI / 3), 15); // March = month 2 of 12
    expect(c.values[1]).toBeCloseTo(0.5, 15);
    expect(c.values[2]).toBeCloseTo(Math.sin((2 * Math.PI * 11) / 12), 15); // December sits next to January
    expect(c.values[3]).toBeCloseTo(Math.cos((2 * Math.PI * 11) / 12), 15);
  });

  it('one-hot: day of week from Monday, hour, quarter', () => {
    // 2020-03-01 is a Sunday (ISO day 6); 2020-03-02 13:00 a Monday
    const c = calendarFeatures([t('2020-03-01'), t('2020-03-02 13:00')], ['dayOfWeek', 'hour', 'quarter'], 'onehot');
    expect(c.names).toHaveLength(7 + 24 + 4);
    expect(c.names.slice(0, 2)).toEqual(['dayOfWeek_0', 'dayOfWeek_1']);
    const row = (i: number) => Array.from(c.values.subarray(i * 35, (i + 1) * 35));
    expect(row(0).flatMap((v, k) => (v ? [c.names[k]] : []))).toEqual(['dayOfWeek_6', 'hour_0', 'quarter_0']);
    expect(row(1).flatMap((v, k) => (v ? [c.names[k]] : []))).toEqual(['dayOfWeek_0', 'hour_13', 'quarter_0']);
  });

  it('day of year counts from 1 January (365 on 31 December of a leap year)', () => {
    const c = calendarFeatures([t('2020-01-01'), t('2020-12-31')], ['dayOfYear'], 'onehot');
    expect(c.values[0]).toBe(1);
    expect(c.values[366 + 365]).toBe(1);
  });

  it('defaults by frequency', () => {
    expect(defaultCalendarFields({ unit: 'hour', step: 1 })).toEqual(['hour', 'dayOfWeek']);
    expect(defaultCalendarFields({ unit: 'day', step: 1 })).toEqual(['dayOfWeek', 'dayOfYear']);
    expect(defaultCalendarFields({ unit: 'month', step: 1 })).toEqual(['month']);
    expect(defaultCalendarFields({ unit: 'quarter', step: 1 })).toEqual(['quarter']);
    expect(defaultCalendarFields({ unit: 'year', step: 1 })).toEqual([]);
    expect(() => calendarFeatures([0], ['week' as never])).toThrow(
      /calendar field: expected one of "month", "quarter", "dayOfWeek", "dayOfYear", "hour"/,
    );
  });
});
