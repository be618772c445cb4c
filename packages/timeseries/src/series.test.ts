import { InvalidArgumentError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { asSeries, column, sliceSeries, splitByTime, timeSeries } from './series.js';
import { formatTimestamp } from './time.js';

describe('timeSeries', () => {
  it('builds a checked series from arrays, with text, Date or ms timestamps', () => {
    const s = timeSeries({
      time: ['2020-01-01', '2020-01-02', new Date(Date.UTC(2020, 0, 3))],
      columns: { v: [1, 2, 3], w: new Float64Array([4, 5, 6]) },
    });
    expect(s.frequency).toEqual({ unit: 'day', step: 1 });
    expect(s.length).toBe(3);
    expect(Array.from(s.columns.w!)).toEqual([4, 5, 6]);
    expect(timeSeries({ columns: { v: [1, 2] } }).time).toBeNull();
  });

  it('rejects bad input naming the column or row', () => {
    expect(() => timeSeries({ columns: { v: [1, 2], w: [1] } })).toThrow('columns.w: expected 2 values (as column "v"), received 1');
    expect(() => timeSeries({ columns: { v: [1, Number.POSITIVE_INFINITY] } })).toThrow(
      'column "v" (row 1): expected a finite number (NaN marks a missing value), received Infinity',
    );
    expect(() => timeSeries({ columns: { v: [1, Number.NaN, 3] } })).toThrow(
      /column "v" \(row 1\): expected a number \(or a missing policy/,
    );
    expect(() => timeSeries({ time: ['2020-01-01', 'soon'], columns: { v: [1, 2] } })).toThrow(
      'time (row 1): expected a timestamp (ms number, Date or ISO-like text), received "soon"',
    );
    expect(() => timeSeries({ time: ['2020-01-02', '2020-01-01', '2020-01-03'], columns: { v: [1, 2, 3] } })).toThrow(
      /time \(row 1\).*unsorted/,
    );
    expect(() => timeSeries({ time: [0, 1000], columns: { v: [1, 2, 3] } })).toThrow(
      'time: expected 3 timestamps (one per row), received 2',
    );
    expect(() => timeSeries({ columns: {} })).toThrow(InvalidArgumentError);
  });

  it('applies the missing-value policy', () => {
    expect(Array.from(timeSeries({ columns: { v: [1, Number.NaN, 3] }, missing: 'interpolate' }).columns.v!)).toEqual([1, 2, 3]);
    expect(timeSeries({ columns: { v: [1, Number.NaN, 3] }, missing: 'drop' }).length).toBe(2);
    expect(() => timeSeries({ columns: { v: [1] }, missing: 'mean' as never })).toThrow(
      'missing: expected one of "error", "drop", "forwardFill", "interpolate", received "mean"',
    );
  });
});

describe('splits by time', () => {
  const s = timeSeries({
    time: Array.from({ length: 10 }, (_, i) => Date.UTC(2020, i, 1)),
    columns: { v: Array.from({ length: 10 }, (_, i) => i) },
  });

  it('keeps order: train, then validation, then test, by counts or fractions', () => {
    const { train, validation, test } = splitByTime(s, { validation: 2, test: 0.3 });
    expect(Array.from(train.columns.v!)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(validation!.columns.v!)).toEqual([5, 6]);
    expect(Array.from(test!.columns.v!)).toEqual([7, 8, 9]);
    expect(formatTimestamp(test!.time![0]!)).toBe('2020-08-01');
    expect(test!.frequency).toEqual({ unit: 'month', step: 1 });
    expect(splitByTime(s, { test: 4 }).validation).toBeNull();
    expect(() => splitByTime(s, { validation: 5, test: 5 })).toThrow(
      'validation + test: expected fewer than 10 rows (the series length), received 5 + 5 rows',
    );
    expect(() => splitByTime(s, { test: 2.5 })).toThrow('test: expected a row count (integer >= 1) or a fraction in (0, 1), received 2.5');
  });

  it('slices rows like Array.prototype.slice and names unknown columns', () => {
    expect(Array.from(sliceSeries(s, -3).columns.v!)).toEqual([7, 8, 9]);
    expect(Array.from(sliceSeries(s, 2, 4).columns.v!)).toEqual([2, 3]);
    expect(() => sliceSeries(s, 4, 4)).toThrow(/slice: expected a non-empty row range within 0..10/);
    expect(() => column(s, 'w')).toThrow('column: expected one of "v", received "w"');
    expect(asSeries([1, 2]).columns.value).toEqual(new Float64Array([1, 2]));
    expect(() => asSeries('12' as never)).toThrow(/series: expected a TimeSeries or an array of numbers/);
  });
});
