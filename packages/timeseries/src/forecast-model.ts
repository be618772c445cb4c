// What every forecaster (the RNN pipeline and the baselines) shares: a forecast, and the fit / predict
// interface that backtesting drives.
import { InvalidArgumentError, raw } from '@rnn/core';
import type { TimeSeries } from './series.js';
import { addSteps } from './time.js';

export interface Forecast {
  /** Point forecasts for the `horizon` steps after the history. */
  point: Float64Array;
  /** Prediction interval bounds (null when the model gives none). */
  lower: Float64Array | null;
  upper: Float64Array | null;
  /** Nominal coverage of [lower, upper], e.g. 0.9. */
  level: number | null;
  /** Timestamps of the forecast steps (null without a time index and frequency). */
  time: Float64Array | null;
}

export interface PredictOptions {
  /** The series to forecast from (its last rows are the most recent observations). */
  history?: TimeSeries | ArrayLike<number>;
  /** Values of the known-in-advance covariates for the forecast steps, `horizon` per column. */
  future?: Readonly<Record<string, ArrayLike<number>>>;
  /** Interval level for this forecast (default: the model's; null for none). */
  level?: number | null;
}

export interface ForecastModel {
  readonly horizon: number;
  /** The column forecast (null: the series' only column). */
  readonly target: string | null;
  /** Covariates whose future values predict() needs (backtesting passes their actual values). */
  readonly knownFeatures: readonly string[];
  /** Fits on a series (a fresh fit each call). */
  fit(series: TimeSeries): unknown;
  predict(options: PredictOptions & { history: TimeSeries }): Forecast;
}

/** The forecast column: `target`, or the only column. */
export function targetName(s: TimeSeries, target: string | undefined | null): string {
  const names = Object.keys(s.columns);
  if (target != null) {
    if (!(target in s.columns))
      throw new InvalidArgumentError('target', `one of the columns ${names.map((n) => `"${n}"`).join(', ')}`, target);
    return target;
  }
  if (names.length !== 1)
    throw new InvalidArgumentError(
      'target',
      `the column to forecast (the series has ${names.map((n) => `"${n}"`).join(', ')})`,
      raw('none'),
    );
  return names[0]!;
}

/** Timestamps of the `horizon` steps after a series' last one, or null without a time index and frequency. */
export function futureTime(s: TimeSeries, horizon: number): Float64Array | null {
  if (!s.time || !s.frequency) return null;
  const last = s.time[s.length - 1]!;
  return Float64Array.from({ length: horizon }, (_, h) => addSteps(last, s.frequency!, h + 1));
}
