// Split conformal prediction intervals (Vovk et al.; Lei et al. 2018) from held-out residuals: the interval
// point ± q, where q is the ⌈(n+1)·level⌉-th smallest of n absolute calibration residuals. For exchangeable
// errors the coverage is at least `level`; forecast errors are not exchangeable (they drift, and grow with
// the horizon), so each horizon step gets its own q and the coverage is checked on held-out data.
import { checkRange, InvalidArgumentError, raw } from '@rnn/core';

/** Half-width for `level` from absolute calibration residuals. */
export function conformalQuantile(absResiduals: ArrayLike<number>, level: number): number {
  checkRange('level', level, 0, 1, true);
  const n = absResiduals?.length ?? 0;
  if (n === 0) throw new InvalidArgumentError('residuals', 'at least one calibration residual', raw('none'));
  const k = Math.ceil((n + 1) * level);
  if (k > n)
    throw new InvalidArgumentError('level', `at most ${(n / (n + 1)).toFixed(3)} with ${n} calibration residuals (need ${k})`, level);
  const sorted = Float64Array.from(absResiduals, Math.abs).sort();
  return sorted[Math.max(k, 1) - 1]!;
}

/**
 * Intervals around a point forecast from a [windows, horizon] matrix of calibration residuals
 * (actual - forecast, original scale): step h uses the residuals of step h.
 */
export function conformalInterval(
  point: ArrayLike<number>,
  residuals: ArrayLike<number>,
  horizon: number,
  level: number,
): { lower: Float64Array; upper: Float64Array } {
  if (point.length !== horizon) throw new InvalidArgumentError('point', `${horizon} values (the horizon)`, raw(`${point.length}`));
  const n = residuals.length / horizon;
  const q = Array.from({ length: horizon }, (_, h) =>
    conformalQuantile(
      Float64Array.from({ length: n }, (_, i) => residuals[i * horizon + h]!),
      level,
    ),
  );
  return {
    lower: Float64Array.from(point, (p, h) => p - q[h]!),
    upper: Float64Array.from(point, (p, h) => p + q[h]!),
  };
}
