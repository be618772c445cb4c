import { describe, expect, it } from 'vitest';
import { baseline, driftForecast, naiveForecast, seasonalNaiveForecast } from './baselines.js';
import { timeSeries } from './series.js';
import { formatTimestamp } from './time.js';

const history = [1, 3, 2, 5, 4, 7];

describe('baselines on a tiny hand series', () => {
  it('naive repeats the last value', () => {
    expect(Array.from(naiveForecast(history, 3))).toEqual([7, 7, 7]);
  });

  it('seasonal naive repeats the last season', () => {
    expect(Array.from(seasonalNaiveForecast(history, 4, 3))).toEqual([5, 4, 7, 5]);
    expect(Array.from(seasonalNaiveForecast(history, 2, 1))).toEqual([7, 7]);
  });

  it('drift extends the line through the first and last values', () => {
    const f = driftForecast(history, 3); // slope (7 - 1) / 5 = 1.2
    expect(f[0]).toBeCloseTo(8.2, 12);
    expect(f[2]).toBeCloseTo(10.6, 12);
  });

  it('names what is too short or invalid', () => {
    expect(() => seasonalNaiveForecast([1, 2], 3, 4)).toThrow('history: expected at least 4 values (one full season), received 2');
    expect(() => driftForecast([1], 3)).toThrow('history: expected at least 2 values (two observations for a slope), received 1');
    expect(() => naiveForecast([1, Number.NaN], 1)).toThrow('history: expected finite numbers, received NaN at flat index 1');
    expect(() => naiveForecast(history, 0)).toThrow('horizon: expected a positive integer, received 0');
    expect(() => baseline('seasonalNaive', { horizon: 2 })).toThrow(
      'seasonality: expected the season length for "seasonalNaive", received none',
    );
    expect(() => baseline('mean' as never, { horizon: 2 })).toThrow(/kind: expected one of "naive", "seasonalNaive", "drift"/);
  });

  it('as ForecastModels: read the target column of the history and give the forecast times', () => {
    const s = timeSeries({ time: history.map((_, i) => Date.UTC(2020, i, 1)), columns: { y: history, x: [0, 0, 0, 0, 0, 0] } });
    const f = baseline('seasonalNaive', { horizon: 2, seasonality: 3, target: 'y' }).predict({ history: s });
    expect(Array.from(f.point)).toEqual([5, 4]);
    expect(Array.from(f.time!, formatTimestamp)).toEqual(['2020-07-01', '2020-08-01']);
    expect([f.lower, f.upper, f.level]).toEqual([null, null, null]);
    expect(() => baseline('naive', { horizon: 2 }).predict({ history: s })).toThrow(
      'target: expected the column to forecast (the series has "y", "x"), received none',
    );
  });
});
