// Scalers: affine maps z = (x - center) / scale, fitted on the training part only and saved with the model.
// standard: mean and population standard deviation; minmax: minimum and range (to [0, 1]); robust: median
// and interquartile range (linear-interpolated quantiles, as numpy and scikit-learn). A zero spread (a
// constant column) gives scale 1, as in scikit-learn, so constant columns pass through centred.
import { CorruptModelError, checkOneOf, InvalidArgumentError, NonFiniteError, raw } from '@rnn/core';

export type ScalerKind = 'standard' | 'minmax' | 'robust' | 'none';
export const SCALER_KINDS: readonly ScalerKind[] = ['standard', 'minmax', 'robust', 'none'];

export interface ScalerState {
  kind: ScalerKind;
  center: number;
  scale: number;
}

/** The q-quantile of sorted values, interpolating linearly between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

export class Scaler {
  private constructor(
    readonly kind: ScalerKind,
    readonly center: number,
    readonly scale: number,
    /** Names the column in errors. */
    readonly column: string,
  ) {}

  /** Fits on `values` (the training part); `column` names the data in errors. */
  static fit(kind: ScalerKind, values: ArrayLike<number>, column = 'values'): Scaler {
    checkOneOf('scaler', kind, SCALER_KINDS);
    if (values.length === 0) throw new InvalidArgumentError(column, 'at least one value to fit a scaler', raw('none'));
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) throw new NonFiniteError(column, i, values[i]!);
    const n = values.length;
    let center = 0;
    let spread = 1;
    if (kind === 'standard') {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[i]!;
      center = sum / n;
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (values[i]! - center) ** 2;
      spread = Math.sqrt(sq / n);
    } else if (kind === 'minmax') {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        lo = Math.min(lo, values[i]!);
        hi = Math.max(hi, values[i]!);
      }
      center = lo;
      spread = hi - lo;
    } else if (kind === 'robust') {
      const sorted = Float64Array.from(values).sort();
      center = quantileSorted(sorted, 0.5);
      spread = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
    }
    return new Scaler(kind, center, spread === 0 ? 1 : spread, column);
  }

  static fromJSON(state: ScalerState, column = 'values'): Scaler {
    if (typeof state !== 'object' || state === null || !SCALER_KINDS.includes(state.kind))
      throw new CorruptModelError('scaler', `one of ${SCALER_KINDS.join(', ')}`, state?.kind);
    if (!Number.isFinite(state.center) || !Number.isFinite(state.scale) || state.scale === 0)
      throw new CorruptModelError('scaler', 'a finite center and a finite non-zero scale', raw(`${state.center}, ${state.scale}`));
    return new Scaler(state.kind, state.center, state.scale, column);
  }

  /** Scaled values; a non-finite result (overflow) throws a NonFiniteError naming the column and row. */
  transform(values: ArrayLike<number>, firstRow = 0): Float64Array {
    const out = Float64Array.from(values, (v) => (v - this.center) / this.scale);
    for (let i = 0; i < out.length; i++)
      if (!Number.isFinite(out[i]!))
        throw new NonFiniteError(`${this.column} after ${this.kind} scaling (row index)`, firstRow + i, out[i]!);
    return out;
  }

  inverse(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(values, (v) => v * this.scale + this.center);
  }

  toJSON(): ScalerState {
    return { kind: this.kind, center: this.center, scale: this.scale };
  }
}
