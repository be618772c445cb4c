import { InvalidArgumentError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { slidingWindows, windowsAt } from './window.js';

const seq = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i);

describe('slidingWindows', () => {
  it('lookback + horizon == length gives exactly one window', () => {
    const w = slidingWindows(seq(5), { lookback: 3, horizon: 2 });
    expect(w.x.shape).toEqual([1, 3, 1]);
    expect(Array.from(w.x.data)).toEqual([0, 1, 2]);
    expect(Array.from(w.y.data)).toEqual([3, 4]);
    expect(w.origins).toEqual([2]);
  });

  it('stride > 1 starts a window every stride rows and never runs past the end', () => {
    const w = slidingWindows(seq(10), { lookback: 3, horizon: 2, stride: 2 });
    expect(w.origins).toEqual([2, 4, 6]);
    expect(w.y.shape).toEqual([3, 2]);
    expect(Array.from(w.x.data.subarray(3, 6))).toEqual([2, 3, 4]);
    expect(Array.from(w.y.data)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(slidingWindows(seq(10), { lookback: 3, horizon: 2, stride: 1 }).origins).toHaveLength(6);
  });

  it('multivariate rows with a separate target', () => {
    // rows [i, 10 i]; target 100 i
    const inputs = Float64Array.from({ length: 12 }, (_, k) => (k % 2 === 0 ? k / 2 : 5 * (k - 1)));
    const w = slidingWindows(inputs, { features: 2, lookback: 2, horizon: 1, target: Float64Array.from({ length: 6 }, (_, i) => 100 * i) });
    expect(w.x.shape).toEqual([4, 2, 2]);
    expect(Array.from(w.x.data.subarray(0, 4))).toEqual([0, 0, 1, 10]);
    expect(Array.from(w.y.data)).toEqual([200, 300, 400, 500]);
  });

  it('too short a series names the horizon or the lookback', () => {
    expect(() => slidingWindows(seq(5), { lookback: 2, horizon: 5 })).toThrow(InvalidArgumentError);
    expect(() => slidingWindows(seq(5), { lookback: 2, horizon: 5 })).toThrow(/^horizon: expected less than 5 \(the length of the series/);
    expect(() => slidingWindows(seq(5), { lookback: 4, horizon: 2 })).toThrow(
      'lookback: expected at most 3 (the series has 5 rows; a window needs lookback + horizon 2), received 4',
    );
    expect(() => slidingWindows(seq(5), { lookback: 0, horizon: 1 })).toThrow('lookback: expected a positive integer, received 0');
    expect(() => slidingWindows(seq(5), { lookback: 2, horizon: 1, stride: 1.5 })).toThrow(
      'stride: expected a positive integer, received 1.5',
    );
    expect(() => slidingWindows(seq(5), { lookback: 2, horizon: 1, features: 2 })).toThrow(
      'inputs: expected a multiple of 2 values (rows x features), received 5 values',
    );
    expect(() => windowsAt(seq(5), 1, seq(5), 2, 1, [4])).toThrow('origins[0]: expected an integer in [1, 3], received 4');
  });
});
