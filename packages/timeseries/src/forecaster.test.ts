import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, NonFiniteError, Rng, UnsupportedError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { backtest } from './backtest.js';
import { naiveForecast } from './baselines.js';
import { Forecaster, forecast } from './forecaster.js';
import type { ForecasterOptions } from './forecaster-config.js';
import { mae } from './metrics.js';
import { sliceSeries, type TimeSeries, timeSeries } from './series.js';
import { formatTimestamp } from './time.js';

const small = { hiddenSize: 8, epochs: 60, patience: 15, lr: 0.01 } satisfies Partial<ForecasterOptions>;
const months = (n: number): number[] => Array.from({ length: n }, (_, i) => Date.UTC(2000, i, 1));

/** A monthly series: a period-12 wave plus noise, with a known 0/1 covariate adding 4 and a past covariate. */
function synthetic(n: number, seed = 1): TimeSeries {
  const rng = new Rng(seed);
  const k = Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const y = k.map((kt, t) => 20 + 5 * Math.sin((2 * Math.PI * t) / 12) + 4 * kt + 0.2 * rng.normal());
  return timeSeries({ time: months(n), columns: { y, k, temp: y.map((v) => v / 2 + rng.normal()) } });
}

describe('Forecaster', () => {
  for (const strategy of ['direct', 'recursive', 'seq2seq'] as const)
    it(`${strategy}: learns a seasonal wave far better than the naive forecast`, async () => {
      const rng = new Rng(2);
      const y = Array.from({ length: 132 }, (_, t) => 10 + 5 * Math.sin((2 * Math.PI * t) / 12) + 0.1 * rng.normal());
      const f = new Forecaster(jsBackend(), { horizon: 6, lookback: 12, strategy, calendar: false, ...small });
      await f.fit(y.slice(0, 120));
      const p = f.predict();
      const actual = y.slice(120, 126);
      expect(mae(actual, p.point)).toBeLessThan(0.35 * mae(actual, naiveForecast(y.slice(0, 120), 6)));
      expect(p.time).toBeNull();
      expect(p.lower!.every((v, h) => v < p.point[h]! && p.point[h]! < p.upper![h]!)).toBe(true);
      f.dispose();
    });

  it('one step ahead (horizon 1) with every strategy', async () => {
    const y = Array.from({ length: 80 }, (_, t) => Math.sin(t / 2));
    for (const strategy of ['direct', 'recursive', 'seq2seq'] as const) {
      const f = new Forecaster(jsBackend(), { horizon: 1, lookback: 8, strategy, ...small, epochs: 40 });
      await f.fit(y.slice(0, 79));
      const p = f.predict();
      expect(p.point).toHaveLength(1);
      expect(Math.abs(p.point[0]! - y[79]!)).toBeLessThan(0.25);
      expect(p.lower![0]).toBeLessThan(p.upper![0]!);
      f.dispose();
    }
  });

  it('forecast(): a few lines give point forecasts, intervals, future times and a reusable forecaster', async () => {
    const s = synthetic(80);
    const f = await forecast(jsBackend(), sliceSeries(s, 0, 60), { horizon: 3, seasonality: 12, target: 'y', ...small, epochs: 5 });
    expect(f.point).toHaveLength(3);
    expect(f.level).toBe(0.9);
    expect(Array.from(f.time!, formatTimestamp)).toEqual(['2005-01-01', '2005-02-01', '2005-03-01']);
    // 60 rows, lookback 24, seasonal differencing 12: origins 35..56; 9 validation origins (the fewest a 90% level
    // needs), 48..56; training targets end before row 49, so training origins are 35..45
    expect(f.report.windows).toEqual({ train: 11, validation: 9 });
    expect(f.report.parameters).toBe(f.forecaster.model.params.reduce((a, p) => a + p.value.size, 0));
    expect(f.forecaster.config).toMatchObject({ lookback: 24, seasonalDifference: 12, strategy: 'direct', level: 0.9 });
    // forecasting again from a newer history, without refitting
    const again = f.forecaster.predict({ history: sliceSeries(s, 0, 61) });
    expect(formatTimestamp(again.time![0]!)).toBe('2005-02-01');
    expect(f.forecaster.predict({ history: sliceSeries(s, 0, 60) }).point).toEqual(f.point);
    // intervals at another level, or none
    const wide = f.forecaster.predict({ level: 0.5 });
    expect(wide.upper![0]! - wide.lower![0]!).toBeLessThanOrEqual(f.upper![0]! - f.lower![0]!);
    expect(f.forecaster.predict({ level: null }).lower).toBeNull();
    expect(() => f.forecaster.predict({ level: 0.99 })).toThrow(
      'level: expected at most 0.900 with 9 calibration residuals (need 10), received 0.99',
    );
    f.forecaster.dispose();
  });

  it('counts windows by strategy: the last validation origins are held out, and no training target reaches them', async () => {
    const y = Array.from({ length: 60 }, (_, t) => Math.sin(t / 3) + t / 30);
    const windows = async (strategy: 'direct' | 'recursive') => {
      const f = new Forecaster(jsBackend(), { horizon: 3, lookback: 6, validation: 5, strategy, ...small, epochs: 1 });
      const r = await f.fit(y);
      f.dispose();
      return r.windows;
    };
    // origins 5..56; validation 52..56 (targets from row 53); direct trains on origins 5..49, recursive (one step) on 5..51
    expect(await windows('direct')).toEqual({ train: 45, validation: 5 });
    expect(await windows('recursive')).toEqual({ train: 47, validation: 7 });
  });

  it('uses known future covariates: forecasts follow the future values given', async () => {
    const s = synthetic(200, 4);
    for (const strategy of ['seq2seq', 'recursive'] as const) {
      const f = new Forecaster(jsBackend(), {
        horizon: 3,
        lookback: 12,
        target: 'y',
        knownFeatures: ['k'],
        strategy,
        seasonalDifference: 0,
        ...small,
      });
      await f.fit(s);
      const up = f.predict({ future: { k: [1, 1, 1] } }).point;
      const down = f.predict({ future: { k: [0, 0, 0] } }).point;
      for (let h = 0; h < 3; h++) expect(up[h]! - down[h]!).toBeGreaterThan(2.5); // true effect: 4
      expect(() => f.predict()).toThrow('future.k: expected 3 values (the horizon) of the known covariate, received undefined');
      expect(() => f.predict({ future: { k: [1, Number.NaN, 1] } })).toThrow(NonFiniteError);
      f.dispose();
    }
  });

  it('saves and loads: the loaded forecaster gives identical forecasts and intervals (every strategy and cell, covariates, calendar)', async () => {
    const s = synthetic(90, 5);
    const cases: ForecasterOptions[] = [
      { horizon: 4, seasonality: 12, target: 'y', pastFeatures: ['temp'], log: true },
      { horizon: 4, lookback: 10, target: 'y', knownFeatures: ['k'], strategy: 'recursive', cell: 'lstm', difference: 1 },
      { horizon: 4, lookback: 10, target: 'y', knownFeatures: ['k'], strategy: 'seq2seq', cell: 'rnn' },
      {
        horizon: 4,
        lookback: 10,
        target: 'y',
        pastFeatures: ['temp'],
        knownFeatures: ['k'],
        strategy: 'seq2seq',
        calendar: { encoding: 'onehot' },
        scaler: 'robust',
        layers: 2,
      },
    ];
    for (const options of cases) {
      const f = new Forecaster(jsBackend(), { ...options, ...small, epochs: 3 });
      await f.fit(sliceSeries(s, 0, 80));
      const future = { k: [1, 0, 0, 1] };
      const bytes = f.save();
      const g = Forecaster.load(jsBackend(), bytes);
      expect(g.predict({ future })).toEqual(f.predict({ future }));
      const history = sliceSeries(s, 0, 85);
      expect(g.predict({ history, future })).toEqual(f.predict({ history, future }));
      expect(g.config).toEqual(f.config);
      expect(g.save()).toEqual(bytes);
      f.dispose();
      g.dispose();
    }
  });

  it('a damaged or foreign file is a CorruptModelError', async () => {
    const f = new Forecaster(jsBackend(), { horizon: 2, lookback: 4, ...small, epochs: 1 });
    await f.fit(Array.from({ length: 40 }, (_, t) => Math.sin(t)));
    const bytes = f.save();
    const flipped = bytes.slice();
    flipped[bytes.length - 20]! ^= 1;
    expect(() => Forecaster.load(jsBackend(), flipped)).toThrow(CorruptModelError);
    expect(() => Forecaster.load(jsBackend(), flipped)).toThrow(/file.checksum: expected CRC-32/);
    expect(() => Forecaster.load(jsBackend(), bytes.subarray(0, 10))).toThrow('file: expected at least 20 bytes, received 10 bytes');
    expect(() => Forecaster.load(jsBackend(), new TextEncoder().encode('not a model at all, just some text'))).toThrow(/file.magic/);
    f.dispose();
  });

  it('rejects bad input with typed errors naming the argument', async () => {
    const b = jsBackend();
    const y = Array.from({ length: 30 }, (_, t) => t + 1);
    const fitWith = (o: Partial<ForecasterOptions>, data: TimeSeries | number[] = y) =>
      new Forecaster(b, { horizon: 3, ...small, epochs: 1, ...o }).fit(data);
    await expect(fitWith({ horizon: 30 })).rejects.toThrow('horizon: expected less than 30 (the series length), received 30');
    await expect(fitWith({ lookback: 40 })).rejects.toThrow(
      'lookback: expected at most 27 for a series of 30 rows (a window needs lookback + horizon 3), received 40',
    );
    await expect(fitWith({ lookback: 20, seasonalDifference: 12 })).rejects.toThrow(
      /lookback: expected at most 15 .* \+ 12 rows lost to differencing\), received 20/,
    );
    await expect(fitWith({ lookback: 20 })).rejects.toThrow(
      'series: expected at least 34 rows for lookback 20, horizon 3 and 9 validation origins, received 30 rows',
    );
    await expect(
      fitWith(
        { log: true, lookback: 4 },
        y.map((v) => v - 3),
      ),
    ).rejects.toThrow('column "value" (row 0): expected a value > 0 for the log transform, received -2');
    await expect(
      fitWith(
        { lookback: 4 },
        y.map(() => 1e308),
      ),
    ).rejects.toThrow(NonFiniteError);
    await expect(
      fitWith(
        { lookback: 4 },
        y.map(() => 1e308),
      ),
    ).rejects.toThrow(/^value after standard scaling \(row index\): expected finite numbers, received NaN/);
    await expect(fitWith({ calendar: true, lookback: 4 })).rejects.toThrow(
      'calendar: expected a series with a time index and a frequency, received a series without one',
    );
    const s = synthetic(40);
    await expect(fitWith({ lookback: 4 }, s)).rejects.toThrow(
      'target: expected the column to forecast (the series has "y", "k", "temp"), received none',
    );
    await expect(fitWith({ lookback: 4, target: 'y', pastFeatures: ['rain'] }, s)).rejects.toThrow(
      'column: expected one of "y", "k", "temp", received "rain"',
    );
    expect(() => new Forecaster(b, { horizon: 3, strategy: 'recursive', pastFeatures: ['temp'] })).toThrow(UnsupportedError);
    expect(() => new Forecaster(b, { horizon: 3, knownFeatures: ['k'], pastFeatures: ['k'] })).toThrow(
      'knownFeatures: expected columns that are not also pastFeatures, received "k"',
    );
    expect(() => new Forecaster(b, { horizon: 0 })).toThrow('horizon: expected a positive integer, received 0');
    expect(() => new Forecaster(b, { horizon: 2, strategy: 'mimo' as never })).toThrow(
      /strategy: expected one of "direct", "recursive", "seq2seq"/,
    );
    expect(() => new Forecaster(b, { horizon: 2, level: 1 })).toThrow('level: expected a number in [0, 1), received 1');
    const f = new Forecaster(b, { horizon: 3, lookback: 4, target: 'y', ...small, epochs: 1 });
    expect(() => f.predict()).toThrow('forecaster: expected a fitted forecaster (call fit or load first), received an unfitted one');
    await f.fit(s);
    expect(() => f.predict({ history: sliceSeries(s, 0, 3) })).toThrow('history: expected at least 4 rows (lookback 4), received 3 rows');
    expect(() => f.predict({ history: [1, 2, 3, 4, 5] })).toThrow('history: expected a column "y" (as the fitted series), received value');
    f.dispose();
  });
});

describe('prediction intervals', () => {
  it('cover about the nominal 90% of held-out values on a stationary synthetic series', async () => {
    // AR(1) noise around a wave: exchangeable enough for split conformal to hold its level
    const rng = new Rng(9);
    let e = 0;
    const y = Array.from({ length: 420 }, (_, t) => {
      e = 0.6 * e + rng.normal();
      return 10 + 3 * Math.sin((2 * Math.PI * t) / 12) + e;
    });
    const s = timeSeries({ columns: { y } });
    const f = new Forecaster(jsBackend(), { horizon: 3, lookback: 12, validation: 40, level: 0.9, ...small, epochs: 30 });
    const r = await backtest(f, s, { initial: 250, step: 1 });
    expect(r.folds).toHaveLength(168);
    expect(r.coverage!).toBeGreaterThan(0.85);
    expect(r.coverage!).toBeLessThan(0.95);
    f.dispose();
  });
});
