// Point-forecast accuracy (Hyndman & Koehler 2006 definitions) and interval coverage.
// MAPE and sMAPE are in percent. MAPE is undefined where the actual value is 0: mape() throws naming the
// index, forecastMetrics() reports null. sMAPE = mean(2|a - f| / (|a| + |f|)) · 100, in [0, 200], with a
// term of 0 where both are 0. MASE divides the MAE by the in-sample MAE of the seasonal naive forecast
// (lag m) on the training part.
import { checkPositiveInt, InvalidArgumentError, NonFiniteError, raw } from '@rnn/core';

function checkPair(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  const n = actual?.length;
  if (typeof n !== 'number' || n === 0) throw new InvalidArgumentError('actual', 'a non-empty array of numbers', actual);
  if (forecast?.length !== n) throw new InvalidArgumentError('forecast', `${n} values (as actual)`, raw(`${forecast?.length}`));
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(actual[i]!)) throw new NonFiniteError('actual', i, actual[i]!);
    if (!Number.isFinite(forecast[i]!)) throw new NonFiniteError('forecast', i, forecast[i]!);
  }
  return n;
}

/** Mean absolute error. */
export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  const n = checkPair(actual, forecast);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(actual[i]! - forecast[i]!);
  return s / n;
}

/** Root mean squared error. */
export function rmse(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  const n = checkPair(actual, forecast);
  let s = 0;
  for (let i = 0; i < n; i++) s += (actual[i]! - forecast[i]!) ** 2;
  return Math.sqrt(s / n);
}

/** Mean absolute percentage error, in percent. Throws an InvalidArgumentError naming the first zero actual. */
export function mape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  const n = checkPair(actual, forecast);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (actual[i] === 0) throw new InvalidArgumentError(`actual[${i}]`, 'non-zero actual values for MAPE (use sMAPE or MASE)', 0);
    s += Math.abs((actual[i]! - forecast[i]!) / actual[i]!);
  }
  return (100 * s) / n;
}

/** Symmetric MAPE in percent (0..200); a pair of zeros contributes 0. */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  const n = checkPair(actual, forecast);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(actual[i]!) + Math.abs(forecast[i]!);
    if (d > 0) s += (2 * Math.abs(actual[i]! - forecast[i]!)) / d;
  }
  return (100 * s) / n;
}

/** The MASE denominator: mean |y_t - y_{t-m}| over the training part. */
export function naiveScale(training: ArrayLike<number>, seasonality = 1): number {
  const m = checkPositiveInt('seasonality', seasonality);
  if (typeof training?.length !== 'number' || training.length <= m)
    throw new InvalidArgumentError('training', `more than ${m} values (the seasonality) to scale MASE`, raw(`${training?.length} values`));
  for (let t = 0; t < training.length; t++) if (!Number.isFinite(training[t]!)) throw new NonFiniteError('training', t, training[t]!);
  let s = 0;
  for (let t = m; t < training.length; t++) s += Math.abs(training[t]! - training[t - m]!);
  const scale = s / (training.length - m);
  if (scale === 0)
    throw new InvalidArgumentError(
      'training',
      `a series that changes at lag ${m} (MASE divides by its naive error)`,
      raw('a constant series'),
    );
  return scale;
}

/** Mean absolute scaled error: MAE / in-sample seasonal-naive MAE of the training part (lag = seasonality, default 1). */
export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, training: ArrayLike<number>, seasonality = 1): number {
  return mae(actual, forecast) / naiveScale(training, seasonality);
}

/** Fraction of actual values inside [lower, upper]. */
export function coverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  const n = checkPair(actual, lower);
  checkPair(actual, upper);
  let inside = 0;
  for (let i = 0; i < n; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  return inside / n;
}

export interface ForecastMetrics {
  mae: number;
  rmse: number;
  /** null when an actual value is 0 (MAPE is undefined there). */
  mape: number | null;
  smape: number;
  mase: number;
}

/** Every point metric at once; `training` and `seasonality` scale MASE. */
export function forecastMetrics(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  options: { training: ArrayLike<number>; seasonality?: number },
): ForecastMetrics {
  const zero = Array.prototype.some.call(actual, (v: number) => v === 0);
  return {
    mae: mae(actual, forecast),
    rmse: rmse(actual, forecast),
    mape: zero ? null : mape(actual, forecast),
    smape: smape(actual, forecast),
    mase: mase(actual, forecast, options?.training, options.seasonality ?? 1),
  };
}
