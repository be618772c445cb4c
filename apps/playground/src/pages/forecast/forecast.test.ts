import { jsBackend } from '@rnn/backend-js';
import type { EpochLog } from '@rnn/core';
import { describeFrequency, Forecaster, forecastMetrics, naiveForecast, seasonalNaiveForecast } from '@rnn/timeseries';
import { describe, expect, it } from 'vitest';
import { EpochBridge, type EpochHooks } from './epoch-bridge.js';
import { BUNDLED_NAMES, PRESETS } from './presets.js';
import { bundledSeries, csvChoices, uploadedSeries } from './series.js';
import { forecastTask, type TrainedForecast } from './task.js';
import { forecastView, historyShown } from './view.js';

const AIRLINE_HEAD = '"Month","Passengers"\r\n"1949-01",112\r\n"1949-02",118\r\n"1949-03",132\r\n';

describe('the bundled series', () => {
  it('parse with the options of the timeseries examples', () => {
    const facts = Object.fromEntries(
      BUNDLED_NAMES.map((name) => {
        const { series, target } = bundledSeries(name);
        const values = series.columns[target]!;
        return [name, { length: series.length, frequency: describeFrequency(series.frequency!), finite: values.every(Number.isFinite) }];
      }),
    );
    expect(facts).toEqual({
      airline: { length: 144, frequency: 'monthly', finite: true },
      co2: { length: 746, frequency: 'monthly', finite: true }, // 741 rows + 5 inserted, interpolated months
      sunspots: { length: 3126, frequency: 'monthly', finite: true },
      seattle: { length: 1461, frequency: 'daily', finite: true },
      electricity: { length: 1441, frequency: 'daily', finite: true }, // the partial first day dropped
    });
    expect(bundledSeries('co2').options).toEqual({ difference: 1 });
    expect(PRESETS.airline).toMatchObject({ seasonality: 12, horizon: 24, lookback: 24, log: true });
  });

  it('names an unknown series', () => {
    expect(() => bundledSeries('metro' as never)).toThrow(/params\.series: expected one of airline, co2, sunspots, seattle, electricity/);
  });
});

describe('an uploaded CSV', () => {
  it('offers the time and numeric columns, with a first guess', () => {
    expect(csvChoices(AIRLINE_HEAD)).toEqual({
      columns: ['Month', 'Passengers'],
      timeColumns: ['Month'],
      numericColumns: ['Passengers'],
      time: 'Month',
      target: 'Passengers',
    });
    // a missing first value is skipped when guessing; without a date column there is no time index
    expect(csvChoices('name,a,b\nx,NA,2\ny,1,3\n')).toMatchObject({ numericColumns: ['a', 'b'], time: null, target: 'a' });
  });

  it('explains an empty file, a binary file, a header alone and a file without numbers', () => {
    expect(() => csvChoices('')).toThrow('file: expected a CSV file with a header line and data rows, received an empty file');
    expect(() => csvChoices(' \n\n')).toThrow(/received an empty file/);
    expect(() => csvChoices('PK\u0003\u0004\u0000\u0000\u0008')).toThrow(
      'file: expected a CSV text file, received binary data (byte 4 is not text)',
    );
    expect(() => csvChoices('\uFFFD\uFFFDx')).toThrow(/binary data \(byte 0/);
    expect(() => csvChoices('a,b\n')).toThrow('file: expected data rows after the header line, received only a header');
    expect(() => csvChoices('a,b\n"x,1\n')).toThrow(/^CSV line 2: expected a closing quote for the quoted field opened on this line/);
    expect(() => csvChoices('city,day\nParis,2020-01-01\n')).toThrow(
      'file: expected at least one numeric column to forecast, received columns "city", "day"',
    );
  });

  it('parses the chosen columns with the library, whose errors name column and line', () => {
    const ok = uploadedSeries({ text: AIRLINE_HEAD, time: 'Month', target: 'Passengers', missing: 'error', gaps: 'error' });
    expect(Array.from(ok.series.columns.Passengers!)).toEqual([112, 118, 132]);
    expect(ok.series.frequency).toEqual({ unit: 'month', step: 1 });
    const plain = uploadedSeries({ text: 'y\n1\n2\n', time: null, target: 'y', missing: 'error', gaps: 'insert' });
    expect(plain.series.time).toBeNull();
    const choice = { time: 'Month', target: 'Passengers', missing: 'error', gaps: 'error' } as const;
    expect(() => uploadedSeries({ ...choice, text: '"Month","Passengers"\n1949-01,112\n1949-02,lots\n' })).toThrow(
      'column "Passengers" (line 3): expected a number or a missing-value token, received "lots"',
    );
    expect(() => uploadedSeries({ ...choice, text: 'Month,Passengers\n1949-02,1\n1949-01,2\n1949-03,3\n' })).toThrow(
      /time column "Month".*line 3/,
    );
    expect(() => uploadedSeries({ ...choice, text: 'Month,Passengers\n1949-01,1\n1949-02,\n1949-03,3\n' })).toThrow(/line 3/);
    const filled = uploadedSeries({ ...choice, missing: 'interpolate', text: 'Month,Passengers\n1949-01,1\n1949-02,\n1949-03,3\n' });
    expect(filled.series.columns.Passengers![1]).toBeCloseTo(1 + (2 * 31) / 59, 12); // linear in time: January has 31 of the 59 days
    expect(() => uploadedSeries({ ...choice, target: 'Month', text: AIRLINE_HEAD })).toThrow(
      'target: expected a column other than the time column, received "Month"',
    );
  });
});

/** A fake training loop: `epochs` epochs of loss 1 / (epoch + 1), returns their number, honours the signal. */
function fakeFit(epochs: number, trace: string[]) {
  return async (hooks: EpochHooks): Promise<number> => {
    let e = 0;
    for (; e < epochs; e++) {
      if (hooks.signal.aborted) {
        trace.push('aborted');
        return e;
      }
      trace.push(`epoch ${e}`);
      await hooks.onEpochEnd({ epoch: e, loss: 1 / (e + 1), valLoss: 2, lr: 0.1, seconds: 0 } satisfies EpochLog);
    }
    trace.push('returned');
    return e;
  };
}

describe('the epoch bridge', () => {
  it('runs one epoch per step, parks the loop in between, and reports done when it returns', async () => {
    const trace: string[] = [];
    const bridge = new EpochBridge(fakeFit(2, trace));
    expect(trace).toEqual([]); // nothing runs before the first step
    expect(await bridge.step()).toEqual({ loss: { loss: 1, valLoss: 2 } });
    await new Promise((r) => setTimeout(r, 5));
    expect(trace).toEqual(['epoch 0']); // parked until the next step
    expect(await bridge.step()).toEqual({ loss: { loss: 0.5, valLoss: 2 } });
    expect(bridge.value).toBeNull();
    expect(await bridge.step()).toEqual({ loss: {}, done: true });
    expect(trace).toEqual(['epoch 0', 'epoch 1', 'returned']);
    expect([bridge.value, bridge.epochs]).toEqual([2, 2]);
    await expect(bridge.step()).rejects.toThrow(/has ended/);
    let released: number | null = -1;
    await bridge.dispose((v) => {
      released = v;
    });
    expect(released).toBe(2);
  });

  it('aborts a parked loop on dispose: the loop runs out, its promise settles, its result is released', async () => {
    const trace: string[] = [];
    const bridge = new EpochBridge(fakeFit(100, trace));
    await bridge.step();
    await bridge.step();
    let released: number | null = -1;
    await bridge.dispose((v) => {
      released = v;
    });
    expect(trace).toEqual(['epoch 0', 'epoch 1', 'aborted']);
    expect(released).toBe(2);
    await expect(bridge.step()).rejects.toThrow(/has ended/);
  });

  it('passes a failure of the loop to the waiting step, and disposes before any step', async () => {
    const failing = new EpochBridge(async () => {
      throw new Error('lookback too long');
    });
    await expect(failing.step()).rejects.toThrow('lookback too long');
    let released: unknown = -1;
    await failing.dispose((v) => {
      released = v;
    });
    expect(released).toBeNull();
    const unused = new EpochBridge(fakeFit(3, []));
    await unused.dispose((v) => {
      released = v;
    });
    expect(released).toBeNull();
  });
});

const TINY = { series: 'airline', hiddenSize: 4, epochs: 3, seed: 3 } as const;

describe('the forecast task', () => {
  it('fits on all but the last horizon points, one epoch per step, and returns the saved forecaster', async () => {
    const backend = jsBackend();
    const run = forecastTask.create(backend, TINY);
    expect(run.info).toEqual({ points: 144, train: 120, test: 24, target: 'Passengers' });
    const reports = [await run.step(), await run.step(), await run.step()];
    for (const r of reports) {
      expect(Object.keys(r.loss)).toEqual(['loss', 'valLoss']);
      expect(r.done).toBeUndefined();
    }
    expect(await run.step()).toEqual({ loss: {}, done: true }); // best weights restored, intervals calibrated
    const t = run.result!() as TrainedForecast;
    await run.dispose();
    expect(backend.stats().tensors).toBe(0);
    expect(t).toMatchObject({ epochs: 3, target: 'Passengers', seasonality: 12, naiveSeason: 12, horizon: 24, lookback: 24, level: 0.9 });
    expect(t.report).toMatchObject({ epochs: 3, stopped: 'completed' });
    expect([t.train.values.length, t.test.values.length, t.test.values[0], t.train.time![0]]).toEqual([120, 24, 360, Date.UTC(1949, 0, 1)]);

    const f = Forecaster.load(jsBackend(), t.forecaster!);
    const forecast = f.predict();
    f.dispose();
    expect(Array.from(forecast.time!)).toEqual(Array.from(t.test.time!)); // it forecasts the test period
    const view = forecastView(t, forecast);
    expect(view.series.map((s) => [s.name, s.y.length])).toEqual([
      ['90% interval', 24],
      ['history', 72],
      ['actual', 25],
      ['forecast', 24],
      ['naive', 24],
      ['seasonal naive (m = 12)', 24],
      ['drift', 24],
    ]);
    expect(view.shown).toBe(historyShown(120, 12, 24, 24));
    expect(view.metrics.map((m) => m.name)).toEqual(['forecast', 'naive', 'seasonal naive (m = 12)', 'drift']);
    const snaive = forecastMetrics(t.test.values, seasonalNaiveForecast(t.train.values, 24, 12), {
      training: t.train.values,
      seasonality: 12,
    });
    expect(view.metrics[2]).toEqual({
      name: 'seasonal naive (m = 12)',
      mae: snaive.mae,
      rmse: snaive.rmse,
      smape: snaive.smape,
      mase: snaive.mase,
      coverage: null,
    });
    expect(view.metrics[0]!.coverage).toBeGreaterThanOrEqual(0);
    expect(view.metrics[0]!.mase).toBeGreaterThan(0);
  });

  it('stopped mid-fit: no fitted model, and dispose aborts the parked fit and releases its network', async () => {
    const backend = jsBackend();
    const run = forecastTask.create(backend, { ...TINY, epochs: 50 });
    await run.step();
    await run.step();
    expect(backend.stats().tensors).toBeGreaterThan(0); // the network lives while the fit is parked
    const t = run.result!() as TrainedForecast;
    expect([t.forecaster, t.report, t.epochs]).toEqual([null, null, 2]);
    await run.dispose();
    expect(backend.stats().tensors).toBe(0);
    // the page still shows the baselines for a stopped job
    const view = forecastView(t, null);
    expect(view.series.map((s) => s.name)).toEqual(['history', 'actual', 'naive', 'seasonal naive (m = 12)', 'drift']);
    expect(view.metrics[0]!.mae).toBeCloseTo(
      forecastMetrics(t.test.values, naiveForecast(t.train.values, 24), { training: t.train.values }).mae,
      12,
    );
  });

  it('trains an uploaded CSV without a time index (row numbers on the x axis)', async () => {
    const values = Array.from({ length: 60 }, (_, i) => (10 + Math.sin(i / 2) + i / 10).toFixed(3));
    const csv = { text: `y\n${values.join('\n')}\n`, time: null, target: 'y' };
    const run = forecastTask.create(jsBackend(), { series: 'upload', csv, horizon: 6, hiddenSize: 4, epochs: 2 });
    expect(run.info).toEqual({ points: 60, train: 54, test: 6, target: 'y' });
    while (!(await run.step()).done);
    const t = run.result!() as TrainedForecast;
    await run.dispose();
    expect([t.train.time, t.seasonality, t.naiveSeason, t.lookback]).toEqual([null, 1, 1, 12]);
    const f = Forecaster.load(jsBackend(), t.forecaster!);
    const view = forecastView(t, f.predict());
    f.dispose();
    expect(Array.from(view.series.find((s) => s.name === 'forecast')!.x!)).toEqual([54, 55, 56, 57, 58, 59]);
  });

  it('trains each cell: GRU, LSTM and the simple RNN', async () => {
    for (const cell of ['gru', 'lstm', 'rnn']) {
      const run = forecastTask.create(jsBackend(), { series: 'airline', cell, hiddenSize: 3, epochs: 2 });
      while (!(await run.step()).done);
      const t = run.result!() as TrainedForecast;
      await run.dispose();
      const f = Forecaster.load(jsBackend(), t.forecaster!);
      expect(f.config.cell).toBe(cell);
      expect(f.predict().point).toHaveLength(24);
      f.dispose();
    }
  });

  it('rejects bad parameters and bad series by name', async () => {
    const b = jsBackend();
    expect(() => forecastTask.create(b, { series: 'metro' })).toThrow(/params\.series: expected one of/);
    expect(() => forecastTask.create(b, { cell: 'transformer' })).toThrow(/params\.cell/);
    expect(() => forecastTask.create(b, { strategy: 'mimo' })).toThrow(/params\.strategy/);
    expect(() => forecastTask.create(b, { level: 1 })).toThrow('params.level: expected a number in (0, 1), received 1');
    expect(() => forecastTask.create(b, { horizon: 144 })).toThrow(
      'params.horizon: expected less than 144 (the series length), received 144',
    );
    expect(() => forecastTask.create(b, { epoch: 3 })).toThrow(/params: expected parameters among .*, received "epoch"/);
    expect(() => forecastTask.create(b, { series: 'upload' })).toThrow(/params\.csv: expected \{ text, time, target, missing, gaps \}/);
    expect(() => forecastTask.create(b, { series: 'upload', csv: { text: 'a,b\n1,x\n', time: null, target: 'b' } })).toThrow(
      'column "b" (line 2): expected a number or a missing-value token, received "x"',
    );
    // a lookback the training part cannot hold fails the first step with the Forecaster's typed error
    const run = forecastTask.create(b, { ...TINY, lookback: 200 });
    await expect(run.step()).rejects.toThrow(/lookback: expected at most/);
    await run.dispose();
    expect(b.stats().tensors).toBe(0);
  });
});
