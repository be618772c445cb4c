// The baselines every forecast should be compared with (Hyndman & Athanasopoulos, FPP3 §5.2):
// naive (the last value), seasonal naive (the value one season earlier), drift (the line through the first
// and last values, extended).
import { checkOneOf, checkPositiveInt, InvalidArgumentError, NonFiniteError, raw } from '@rnn/core';
import { type Forecast, type ForecastModel, futureTime, type PredictOptions, targetName } from './forecast-model.js';
import { asSeries, column, type TimeSeries } from './series.js';

function checkHistory(history: ArrayLike<number>, min: number, why: string): number {
  if (typeof history?.length !== 'number') throw new InvalidArgumentError('history', 'an array of numbers', history);
  if (history.length < min) throw new InvalidArgumentError('history', `at least ${min} values (${why})`, raw(`${history.length}`));
  for (let i = 0; i < history.length; i++) if (!Number.isFinite(history[i]!)) throw new NonFiniteError('history', i, history[i]!);
  return history.length;
}

/** ŷ_{T+h} = y_T. */
export function naiveForecast(history: ArrayLike<number>, horizon: number): Float64Array {
  const H = checkPositiveInt('horizon', horizon);
  const n = checkHistory(history, 1, 'one observation');
  return new Float64Array(H).fill(history[n - 1]!);
}

/** ŷ_{T+h} = y_{T+h-m·k} with k = ceil(h / m): the last observed season, repeated. */
export function seasonalNaiveForecast(history: ArrayLike<number>, horizon: number, seasonality: number): Float64Array {
  const H = checkPositiveInt('horizon', horizon);
  const m = checkPositiveInt('seasonality', seasonality);
  const n = checkHistory(history, m, 'one full season');
  return Float64Array.from({ length: H }, (_, i) => history[n - m + (i % m)]!);
}

/** ŷ_{T+h} = y_T + h (y_T - y_1) / (T - 1). */
export function driftForecast(history: ArrayLike<number>, horizon: number): Float64Array {
  const H = checkPositiveInt('horizon', horizon);
  const n = checkHistory(history, 2, 'two observations for a slope');
  const slope = (history[n - 1]! - history[0]!) / (n - 1);
  return Float64Array.from({ length: H }, (_, i) => history[n - 1]! + (i + 1) * slope);
}

export type BaselineKind = 'naive' | 'seasonalNaive' | 'drift';
export const BASELINE_KINDS: readonly BaselineKind[] = ['naive', 'seasonalNaive', 'drift'];

export interface BaselineOptions {
  horizon: number;
  /** Season length for 'seasonalNaive'. */
  seasonality?: number;
  /** Column to forecast (default: the only column). */
  target?: string;
}

/** A baseline as a ForecastModel (for backtests beside the RNN); fit does nothing, predict reads the history. */
export class BaselineForecaster implements ForecastModel {
  readonly horizon: number;
  readonly seasonality: number;
  readonly target: string | null;
  readonly knownFeatures: readonly string[] = [];

  constructor(
    readonly kind: BaselineKind,
    options: BaselineOptions,
  ) {
    checkOneOf('kind', kind, BASELINE_KINDS);
    this.horizon = checkPositiveInt('horizon', options?.horizon);
    this.seasonality = checkPositiveInt('seasonality', options.seasonality ?? 1);
    if (kind === 'seasonalNaive' && options.seasonality === undefined)
      throw new InvalidArgumentError('seasonality', 'the season length for "seasonalNaive"', raw('none'));
    this.target = options.target ?? null;
  }

  fit(_series: TimeSeries): void {}

  predict(options: PredictOptions & { history: TimeSeries | ArrayLike<number> }): Forecast {
    const s = asSeries(options?.history, 'history');
    const y = column(s, targetName(s, this.target));
    const point =
      this.kind === 'naive'
        ? naiveForecast(y, this.horizon)
        : this.kind === 'drift'
          ? driftForecast(y, this.horizon)
          : seasonalNaiveForecast(y, this.horizon, this.seasonality);
    return { point, lower: null, upper: null, level: null, time: futureTime(s, this.horizon) };
  }
}

export const baseline = (kind: BaselineKind, options: BaselineOptions): BaselineForecaster => new BaselineForecaster(kind, options);
