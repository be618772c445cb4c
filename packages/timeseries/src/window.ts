// Supervised windows from a series: `lookback` input rows, then the next `horizon` target values.
// Window origins are the last input row of each window; windows start every `stride` rows.
import { checkPositiveInt, InvalidArgumentError, raw } from '@rnn/core';

export interface WindowOptions {
  /** Input rows per window. */
  lookback: number;
  /** Target values per window (the steps after the last input row). */
  horizon: number;
  /** Rows between consecutive window starts. Default 1. */
  stride?: number;
}

export interface Windows {
  /** [windows, lookback, features] */
  x: { data: Float64Array; shape: [number, number, number] };
  /** [windows, horizon] */
  y: { data: Float64Array; shape: [number, number] };
  /** The last input row of each window. */
  origins: number[];
}

/** Checks that `length` rows hold at least one window; names the horizon or the lookback when they do not. */
export function checkWindowFits(length: number, lookback: number, horizon: number, what = 'the series'): void {
  if (horizon >= length)
    throw new InvalidArgumentError('horizon', `less than ${length} (the length of ${what}, which must also hold the lookback)`, horizon);
  if (lookback + horizon > length)
    throw new InvalidArgumentError(
      'lookback',
      `at most ${length - horizon} (${what} has ${length} rows; a window needs lookback + horizon ${horizon})`,
      lookback,
    );
}

/**
 * Every window of a univariate or multivariate series. `inputs` is row-major [n, features]; `target` has
 * n values (default: the first input column). Window k reads rows [k·stride, k·stride + lookback) and
 * targets the next `horizon` values; the last window ends exactly at row n - 1 when the stride allows.
 */
export function slidingWindows(
  inputs: ArrayLike<number>,
  options: WindowOptions & { features?: number; target?: ArrayLike<number> },
): Windows {
  const L = checkPositiveInt('lookback', options?.lookback);
  const H = checkPositiveInt('horizon', options.horizon);
  const stride = checkPositiveInt('stride', options.stride ?? 1);
  const F = checkPositiveInt('features', options.features ?? 1);
  if (inputs.length % F !== 0)
    throw new InvalidArgumentError('inputs', `a multiple of ${F} values (rows x features)`, raw(`${inputs.length} values`));
  const n = inputs.length / F;
  const target = options.target ?? Float64Array.from({ length: n }, (_, i) => inputs[i * F]!);
  if (target.length !== n) throw new InvalidArgumentError('target', `${n} values (one per input row)`, raw(`${target.length}`));
  checkWindowFits(n, L, H);
  const origins: number[] = [];
  for (let o = L - 1; o + H < n; o += stride) origins.push(o);
  return windowsAt(inputs, F, target, L, H, origins);
}

/** The windows whose last input rows are `origins` (each in [lookback - 1, n - horizon - 1]). */
export function windowsAt(
  inputs: ArrayLike<number>,
  F: number,
  target: ArrayLike<number>,
  L: number,
  H: number,
  origins: readonly number[],
): Windows {
  const B = origins.length;
  const x = new Float64Array(B * L * F);
  const y = new Float64Array(B * H);
  origins.forEach((o, b) => {
    if (o < L - 1 || o + H >= target.length || !Number.isInteger(o))
      throw new InvalidArgumentError(`origins[${b}]`, `an integer in [${L - 1}, ${target.length - H - 1}]`, o);
    for (let i = 0; i < L * F; i++) x[b * L * F + i] = inputs[(o - L + 1) * F + i]!;
    for (let h = 0; h < H; h++) y[b * H + h] = target[o + 1 + h]!;
  });
  return { x: { data: x, shape: [B, L, F] }, y: { data: y, shape: [B, H] }, origins: [...origins] };
}
