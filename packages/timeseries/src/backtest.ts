// Walk-forward (rolling-origin) evaluation: forecast from a sequence of origins, each time from the data up
// to the origin only, and score against what followed. With refit the model is fitted again at every
// origin (or every k-th); without, it is fitted once on the first training part and only its history grows.
import { checkOneOf, checkPositiveInt, InvalidArgumentError, raw } from '@rnn/core';
import type { Forecast, ForecastModel } from './forecast-model.js';
import { targetName } from './forecast-model.js';
import { type ForecastMetrics, forecastMetrics } from './metrics.js';
import { column, sliceSeries, type TimeSeries } from './series.js';

export interface Origin {
  /** Training rows are [trainStart, trainEnd); the forecast covers [trainEnd, testEnd). */
  trainStart: number;
  trainEnd: number;
  testEnd: number;
}

/**
 * Origins of a walk-forward evaluation over `length` rows: the first training part has `initial` rows, each
 * later origin is `step` rows on, and every test block is a full `horizon`. 'expanding' windows keep all
 * earlier rows; 'sliding' ones keep the last `initial`.
 */
export function rollingOrigins(options: {
  length: number;
  initial: number;
  horizon: number;
  step?: number;
  window?: 'expanding' | 'sliding';
}): Origin[] {
  const length = checkPositiveInt('length', options?.length);
  const initial = checkPositiveInt('initial', options.initial);
  const horizon = checkPositiveInt('horizon', options.horizon);
  const step = checkPositiveInt('step', options.step ?? 1);
  const window = checkOneOf('window', options.window ?? 'expanding', ['expanding', 'sliding'] as const);
  if (initial + horizon > length)
    throw new InvalidArgumentError('initial', `at most ${length - horizon} (length ${length} - horizon ${horizon})`, initial);
  const out: Origin[] = [];
  for (let end = initial; end + horizon <= length; end += step)
    out.push({ trainStart: window === 'sliding' ? end - initial : 0, trainEnd: end, testEnd: end + horizon });
  return out;
}

export interface BacktestOptions {
  /** Rows in the first training part. */
  initial: number;
  /** Rows between origins. Default 1. */
  step?: number;
  /** Fit again at every origin (true), every k-th origin (k), or only at the first (false, default). */
  refit?: boolean | number;
  /** Default 'expanding'. */
  window?: 'expanding' | 'sliding';
  /** Season length for MASE's scale. Default 1. */
  seasonality?: number;
  /** Column scored. Default: the model's target (or the only column). */
  target?: string;
}

export interface BacktestFold extends Origin {
  forecast: Forecast;
  actual: Float64Array;
  metrics: ForecastMetrics;
  /** Whether the model was fitted at this origin. */
  refitted: boolean;
}

export interface Backtest {
  folds: BacktestFold[];
  /** Mean over folds of each fold's metrics (MASE uses each fold's training part); mape is null if any fold's is. */
  metrics: ForecastMetrics;
  /** Fraction of actual values inside the intervals over all folds (null without intervals). */
  coverage: number | null;
}

export async function backtest(model: ForecastModel, series: TimeSeries, options: BacktestOptions): Promise<Backtest> {
  if (typeof model?.predict !== 'function' || typeof model.fit !== 'function')
    throw new InvalidArgumentError('model', 'a ForecastModel (a Forecaster or a baseline)', model);
  const origins = rollingOrigins({
    length: series?.length,
    initial: options?.initial,
    horizon: model.horizon,
    step: options.step,
    window: options.window,
  });
  const refit = options.refit ?? false;
  if (typeof refit !== 'boolean') checkPositiveInt('refit', refit);
  const target = targetName(series, options.target ?? model.target);
  const y = column(series, target);
  const folds: BacktestFold[] = [];
  let inside = 0;
  let counted = 0;
  for (const [i, o] of origins.entries()) {
    const refitted = i === 0 || refit === true || (typeof refit === 'number' && i % refit === 0);
    if (refitted) await model.fit(sliceSeries(series, o.trainStart, o.trainEnd));
    // the data up to the origin (its last `initial` rows with a sliding window), whether or not the model was refitted
    const history = sliceSeries(series, o.trainStart, o.trainEnd);
    const future = Object.fromEntries(model.knownFeatures.map((c) => [c, column(series, c).slice(o.trainEnd, o.testEnd)]));
    const forecast = model.predict({ history, future });
    const actual = y.slice(o.trainEnd, o.testEnd);
    if (forecast.point.length !== actual.length)
      throw new InvalidArgumentError('model.predict', `${actual.length} forecasts (the horizon)`, raw(`${forecast.point.length}`));
    if (forecast.lower && forecast.upper)
      for (let h = 0; h < actual.length; h++) {
        inside += Number(actual[h]! >= forecast.lower[h]! && actual[h]! <= forecast.upper[h]!);
        counted++;
      }
    const metrics = forecastMetrics(actual, forecast.point, {
      training: y.subarray(o.trainStart, o.trainEnd),
      seasonality: options.seasonality ?? 1,
    });
    folds.push({ ...o, forecast, actual, metrics, refitted });
  }
  const mean = (f: (m: ForecastMetrics) => number): number => folds.reduce((a, d) => a + f(d.metrics), 0) / folds.length;
  return {
    folds,
    metrics: {
      mae: mean((m) => m.mae),
      rmse: mean((m) => m.rmse),
      mape: folds.every((d) => d.metrics.mape !== null) ? mean((m) => m.mape!) : null,
      smape: mean((m) => m.smape),
      mase: mean((m) => m.mase),
    },
    coverage: counted > 0 ? inside / counted : null,
  };
}
