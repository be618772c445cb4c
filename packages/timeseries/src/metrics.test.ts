import { InvalidArgumentError, NonFiniteError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { conformalInterval, conformalQuantile } from './conformal.js';
import { coverage, forecastMetrics, mae, mape, mase, naiveScale, rmse, smape } from './metrics.js';

const actual = [2, 4, 6, 8];
const forecast = [1, 5, 6, 10]; // errors 1, -1, 0, -2

describe('metrics against hand-computed values', () => {
  it('MAE, RMSE, MAPE, sMAPE', () => {
    expect(mae(actual, forecast)).toBe(1);
    expect(rmse(actual, forecast)).toBeCloseTo(Math.sqrt(6 / 4), 15);
    expect(mape(actual, forecast)).toBeCloseTo((100 * (1 / 2 + 1 / 4 + 0 + 2 / 8)) / 4, 12); // 25
    expect(smape(actual, forecast)).toBeCloseTo((100 * ((2 * 1) / 3 + (2 * 1) / 9 + 0 + (2 * 2) / 18)) / 4, 12); // 27.78
  });

  it('MASE scales by the in-sample (seasonal) naive MAE of the training part', () => {
    const training = [1, 3, 2, 5, 4, 7];
    expect(naiveScale(training)).toBe(2); // |2|, |1|, |3|, |1|, |3|
    expect(mase(actual, forecast, training)).toBe(0.5);
    expect(naiveScale(training, 2)).toBe(1.75); // |2-1|, |5-3|, |4-2|, |7-5|
    expect(mase(actual, forecast, training, 2)).toBeCloseTo(1 / 1.75, 15);
    expect(mase(actual, forecast, training, 4)).toBeCloseTo(1 / 3.5, 15); // |4-1|, |7-3|
  });

  it('zeros: MAPE throws naming the index, sMAPE counts a pair of zeros as 0, forecastMetrics reports MAPE null', () => {
    expect(() => mape([1, 0, 2], [1, 1, 1])).toThrow(InvalidArgumentError);
    expect(() => mape([1, 0, 2], [1, 1, 1])).toThrow('actual[1]: expected non-zero actual values for MAPE (use sMAPE or MASE), received 0');
    expect(smape([0, 1], [0, 3])).toBe(50);
    const m = forecastMetrics([0, 1], [0, 3], { training: [0, 1, 0] });
    expect(m).toEqual({ mae: 1, rmse: Math.sqrt(2), mape: null, smape: 50, mase: 1 });
  });

  it('rejects mismatched, empty, non-finite input and a constant training part', () => {
    expect(() => mae([1, 2], [1])).toThrow('forecast: expected 2 values (as actual), received 1');
    expect(() => rmse([], [])).toThrow(/actual: expected a non-empty array of numbers/);
    expect(() => mae([1, Number.NaN], [1, 2])).toThrow(NonFiniteError);
    expect(() => mase([1], [1], [3, 3, 3])).toThrow(
      'training: expected a series that changes at lag 1 (MASE divides by its naive error), received a constant series',
    );
    expect(() => mase([1], [1], [1, 2], 2)).toThrow(
      'training: expected more than 2 values (the seasonality) to scale MASE, received 2 values',
    );
  });

  it('coverage of intervals', () => {
    expect(coverage([1, 2, 3, 4], [0, 2.5, 3, 0], [2, 3, 3, 3])).toBe(0.5);
  });
});

describe('split conformal intervals', () => {
  const residuals = [3, -1, 2, -9, 5, 4, -6, 8, 7]; // |r| = 1..9

  it('takes the ceil((n + 1) level)-th smallest absolute residual', () => {
    expect(conformalQuantile(residuals, 0.9)).toBe(9); // k = 9 of 9
    expect(conformalQuantile(residuals, 0.8)).toBe(8); // k = ceil(8) = 8
    expect(conformalQuantile(residuals, 0.5)).toBe(5);
    expect(
      conformalQuantile(
        Array.from({ length: 19 }, (_, i) => i + 1),
        0.9,
      ),
    ).toBe(18);
    expect(() => conformalQuantile(residuals, 0.95)).toThrow(
      'level: expected at most 0.900 with 9 calibration residuals (need 10), received 0.95',
    );
    expect(() => conformalQuantile([], 0.5)).toThrow(/residuals: expected at least one calibration residual/);
  });

  it('uses each horizon step’s own residuals', () => {
    // 4 windows x 2 steps: step 0 residuals 1, 2, 3, 4; step 1 residuals 10, 20, 30, 40
    const r = [1, 10, -2, 20, 3, -30, 4, 40];
    const { lower, upper } = conformalInterval([100, 200], r, 2, 0.6); // k = ceil(5 * 0.6) = 3
    expect(Array.from(lower)).toEqual([97, 170]);
    expect(Array.from(upper)).toEqual([103, 230]);
  });
});
