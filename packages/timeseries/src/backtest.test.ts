import { describe, expect, it } from 'vitest';
import { backtest, rollingOrigins } from './backtest.js';
import { baseline } from './baselines.js';
import type { Forecast, ForecastModel, PredictOptions } from './forecast-model.js';
import { mae, mase } from './metrics.js';
import { type TimeSeries, timeSeries } from './series.js';

describe('rollingOrigins', () => {
  it('expanding and sliding windows, every step rows, each test block a full horizon', () => {
    expect(rollingOrigins({ length: 10, initial: 5, horizon: 2, step: 2 })).toEqual([
      { trainStart: 0, trainEnd: 5, testEnd: 7 },
      { trainStart: 0, trainEnd: 7, testEnd: 9 },
    ]);
    expect(rollingOrigins({ length: 10, initial: 5, horizon: 2, step: 2, window: 'sliding' }).map((o) => o.trainStart)).toEqual([0, 2]);
    expect(rollingOrigins({ length: 10, initial: 5, horizon: 2 })).toHaveLength(4); // origins 5, 6, 7, 8
    expect(rollingOrigins({ length: 7, initial: 5, horizon: 2 })).toEqual([{ trainStart: 0, trainEnd: 5, testEnd: 7 }]);
    expect(() => rollingOrigins({ length: 6, initial: 5, horizon: 2 })).toThrow(
      'initial: expected at most 4 (length 6 - horizon 2), received 5',
    );
    expect(() => rollingOrigins({ length: 6, initial: 2, horizon: 2, window: 'growing' as never })).toThrow(
      /window: expected one of "expanding", "sliding"/,
    );
  });
});

/** Records what backtest asks of it; forecasts the last value. */
class Recorder implements ForecastModel {
  readonly horizon = 2;
  readonly target = null;
  readonly knownFeatures = ['k'];
  fits: number[] = [];
  futures: number[][] = [];
  fit(s: TimeSeries): void {
    this.fits.push(s.length);
  }
  predict(o: PredictOptions & { history: TimeSeries }): Forecast {
    this.futures.push(Array.from(o.future!.k!));
    const last = o.history.columns.y![o.history.length - 1]!;
    return {
      point: new Float64Array(2).fill(last),
      lower: new Float64Array(2).fill(last - 1),
      upper: new Float64Array(2).fill(last + 1),
      level: 0.9,
      time: null,
    };
  }
}

describe('backtest', () => {
  const y = [1, 3, 2, 5, 4, 7, 6, 9, 8, 11];
  const s = timeSeries({ columns: { y, k: y.map((_, i) => 100 + i) } });

  it('refits at every origin, every k-th, or only the first; passes the known covariates of each test block', async () => {
    const every = new Recorder();
    await backtest(every, s, { initial: 5, refit: true, target: 'y' });
    expect(every.fits).toEqual([5, 6, 7, 8]);
    expect(every.futures).toEqual([
      [105, 106],
      [106, 107],
      [107, 108],
      [108, 109],
    ]);
    const once = new Recorder();
    const r = await backtest(once, s, { initial: 5, target: 'y' });
    expect(once.fits).toEqual([5]);
    expect(r.folds.map((f) => f.refitted)).toEqual([true, false, false, false]);
    const second = new Recorder();
    await backtest(second, s, { initial: 5, refit: 2, target: 'y' });
    expect(second.fits).toEqual([5, 7]);
    const sliding = new Recorder();
    await backtest(sliding, s, { initial: 5, refit: true, window: 'sliding', target: 'y' });
    expect(sliding.fits).toEqual([5, 5, 5, 5]);
  });

  it('scores each fold against what followed, MASE scaled by that fold’s training part; pools interval coverage', async () => {
    const r = await backtest(new Recorder(), s, { initial: 6, step: 2, seasonality: 2, target: 'y' });
    expect(r.folds.map((f) => [f.trainEnd, f.testEnd])).toEqual([
      [6, 8],
      [8, 10],
    ]);
    const f0 = r.folds[0]!;
    expect(Array.from(f0.actual)).toEqual([6, 9]);
    expect(Array.from(f0.forecast.point)).toEqual([7, 7]);
    expect(f0.metrics.mae).toBe(mae([6, 9], [7, 7]));
    expect(f0.metrics.mase).toBe(mase([6, 9], [7, 7], y.slice(0, 6), 2));
    expect(r.metrics.mae).toBe((f0.metrics.mae + r.folds[1]!.metrics.mae) / 2);
    // intervals last ± 1: fold 0 [6, 8] holds 6 only; fold 1 (last 9) [8, 10] holds 8 only
    expect(r.coverage).toBe(0.5);
  });

  it('baselines have no intervals', async () => {
    const r = await backtest(baseline('naive', { horizon: 3, target: 'y' }), s, { initial: 4 });
    expect(r.folds).toHaveLength(4);
    expect(r.coverage).toBeNull();
    expect(Array.from(r.folds[0]!.forecast.point)).toEqual([5, 5, 5]);
  });
});
