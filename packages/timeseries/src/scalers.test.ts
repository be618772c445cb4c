import { CorruptModelError, NonFiniteError, Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { quantileSorted, SCALER_KINDS, Scaler } from './scalers.js';
import { TargetTransform } from './transforms.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(b[i]!)));
};

describe('Scaler', () => {
  it('standard: mean and population standard deviation', () => {
    const s = Scaler.fit('standard', [1, 2, 3, 4]);
    expect(s.center).toBe(2.5);
    expect(s.scale).toBeCloseTo(Math.sqrt(1.25), 15);
    close(s.transform([1, 4]), [-1.5 / Math.sqrt(1.25), 1.5 / Math.sqrt(1.25)]);
  });

  it('minmax: to [0, 1] on the training range (later values may leave it)', () => {
    const s = Scaler.fit('minmax', [2, 4, 10]);
    close(s.transform([2, 4, 10, 18]), [0, 0.25, 1, 2]);
  });

  it('robust: median and interquartile range with linear-interpolated quantiles (numpy)', () => {
    const s = Scaler.fit('robust', [100, 1, 3, 2, 4]);
    expect([s.center, s.scale]).toEqual([3, 2]);
    expect(Scaler.fit('robust', [1, 2, 3, 4]).scale).toBeCloseTo(1.5, 15); // 3.25 - 1.75
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 15);
  });

  it('a constant column gets scale 1 (centred, not divided by zero); none is the identity', () => {
    for (const kind of ['standard', 'minmax', 'robust'] as const) expect(Scaler.fit(kind, [5, 5, 5]).scale).toBe(1);
    close(Scaler.fit('none', [5, 7]).transform([5, 7]), [5, 7]);
  });

  it('round-trips values and its JSON for every kind', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 40 }, () => rng.normal() * 30 + 7);
    for (const kind of SCALER_KINDS) {
      const s = Scaler.fit(kind, x.subarray(0, 25));
      close(s.inverse(s.transform(x)), x);
      const again = Scaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
      expect(again.transform(x)).toEqual(s.transform(x));
    }
    expect(() => Scaler.fromJSON({ kind: 'standard', center: 0, scale: 0 })).toThrow(CorruptModelError);
    expect(() => Scaler.fromJSON({ kind: 'zscore' as never, center: 0, scale: 1 })).toThrow(CorruptModelError);
  });

  it('non-finite input, or a non-finite result after scaling, is a NonFiniteError naming the column and row', () => {
    expect(() => Scaler.fit('standard', [1, Number.NaN], 'load')).toThrow('load: expected finite numbers, received NaN at flat index 1');
    const overflow = Scaler.fit('standard', [1e308, 1e308, 1], 'load'); // the sum overflows: mean Infinity
    expect(() => overflow.transform([1, 2], 10)).toThrow(NonFiniteError);
    expect(() => overflow.transform([1, 2], 10)).toThrow(
      'load after standard scaling (row index): expected finite numbers, received NaN at flat index 10',
    );
  });
});

describe('TargetTransform', () => {
  it('differences by hand: lag 1, seasonal lag 2, and their inverse from the history', () => {
    const x = [1, 2, 4, 7, 11];
    const d1 = TargetTransform.fit(x, { difference: 1, scaler: 'none' });
    expect(d1.dropped).toBe(1);
    expect(Array.from(d1.transform(x))).toEqual([1, 2, 3, 4]);
    expect(Array.from(d1.inverse([11], [5, 6]))).toEqual([16, 22]);
    const s2 = TargetTransform.fit(x, { seasonalDifference: 2, scaler: 'none' });
    expect(Array.from(s2.transform(x))).toEqual([3, 5, 7]);
    expect(Array.from(s2.inverse([7, 11], [9, 11, 1]))).toEqual([16, 22, 17]); // 9+7, 11+11, 1+16
    const d2 = TargetTransform.fit(x, { difference: 2, scaler: 'none' });
    expect(Array.from(d2.transform(x))).toEqual([1, 1, 1]);
    expect(Array.from(d2.inverse([7, 11], [1, 1]))).toEqual([16, 22]);
    const lg = TargetTransform.fit([1, Math.E, Math.E ** 3], { log: true, difference: 1, scaler: 'none' });
    close(lg.transform([1, Math.E, Math.E ** 3]), [1, 2]);
    close(lg.inverse([Math.E ** 3], [1]), [Math.E ** 4]);
  });

  it('round-trips every scaler with log, lag-1 (order 1, 2) and seasonal differencing, from any history', () => {
    const rng = new Rng(5);
    const x = Float64Array.from({ length: 60 }, (_, t) => 50 + t + 10 * Math.sin((2 * Math.PI * t) / 6) + rng.uniform(0, 3));
    for (const scaler of SCALER_KINDS)
      for (const log of [false, true])
        for (const difference of [0, 1, 2])
          for (const seasonalDifference of [0, 6]) {
            const tt = TargetTransform.fit(x.subarray(0, 40), { scaler, log, difference, seasonalDifference });
            const D = tt.dropped;
            expect(D).toBe(difference + seasonalDifference);
            const z = tt.transform(x);
            expect(z.length).toBe(x.length - D);
            for (const k of [D, D + 3, 45]) close(tt.inverse(x.subarray(0, k), z.subarray(k - D)), x.subarray(k), 1e-9);
            const again = TargetTransform.fromJSON(JSON.parse(JSON.stringify(tt.toJSON())));
            expect(again.transform(x)).toEqual(z);
          }
  });

  it('rejects bad values and options, naming the column and row', () => {
    expect(() => TargetTransform.fit([3, 2, 0, 4], { log: true }, 'sales')).toThrow(
      'column "sales" (row 2): expected a value > 0 for the log transform, received 0',
    );
    const tt = TargetTransform.fit([3, 2, 1, 4], { log: true }, 'sales');
    expect(() => tt.transform([1, -1], 7)).toThrow('column "sales" (row 8): expected a value > 0 for the log transform, received -1');
    expect(() => TargetTransform.fit([1, 2, 3], { difference: 3 })).toThrow(
      'difference: expected a lag-1 differencing order of 0, 1 or 2, received 3',
    );
    expect(() => TargetTransform.fit([1, 2, 3], { seasonalDifference: 3 })).toThrow(
      'series: expected more than 3 training values (the differencing lags), received 3',
    );
    expect(() => TargetTransform.fit([1, 2, 3, 4], { seasonalDifference: 2 }).inverse([1], [0])).toThrow(
      'history: expected at least 2 values (the differencing lags), received 1',
    );
    expect(() => TargetTransform.fromJSON({ log: 'yes', lags: [1], scaler: { kind: 'none', center: 0, scale: 1 } } as never)).toThrow(
      CorruptModelError,
    );
  });
});
