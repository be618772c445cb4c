// The target's invertible pipeline: optional log, differencing (lag 1, repeated, and/or at a seasonal lag),
// then a scaler fitted on the training part. Forecasts are inverted step by step from the history that
// precedes them, so a forecast of differences becomes a forecast of levels.
import { CorruptModelError, checkNonNegativeInt, InvalidArgumentError, raw } from '@rnn/core';
import { Scaler, type ScalerKind, type ScalerState } from './scalers.js';

export interface TargetTransformOptions {
  /** Natural log before anything else (values must be > 0). Default false. */
  log?: boolean;
  /** Lag-1 differencing order (0, 1 or 2). Default 0. */
  difference?: number;
  /** Seasonal differencing at this lag (e.g. 12 for monthly data); 0 for none. Default 0. */
  seasonalDifference?: number;
  /** Default 'standard'. */
  scaler?: ScalerKind;
}

export interface TargetTransformState {
  log: boolean;
  /** Differencing lags in the order applied. */
  lags: number[];
  scaler: ScalerState;
}

function difference(x: Float64Array, lag: number): Float64Array {
  return Float64Array.from({ length: x.length - lag }, (_, i) => x[i + lag]! - x[i]!);
}

export class TargetTransform {
  private constructor(
    readonly log: boolean,
    readonly lags: readonly number[],
    readonly scaler: Scaler,
    readonly column: string,
  ) {}

  /** Rows lost at the start of a series by differencing (the sum of the lags). */
  get dropped(): number {
    return this.lags.reduce((a, b) => a + b, 0);
  }

  /** Fits the scaler on the transformed training values. `column` names the data in errors. */
  static fit(train: ArrayLike<number>, options: TargetTransformOptions = {}, column = 'target'): TargetTransform {
    const order = checkNonNegativeInt('difference', options.difference ?? 0);
    if (order > 2) throw new InvalidArgumentError('difference', 'a lag-1 differencing order of 0, 1 or 2', order);
    const seasonal = checkNonNegativeInt('seasonalDifference', options.seasonalDifference ?? 0);
    const lags = [...(seasonal > 0 ? [seasonal] : []), ...Array.from({ length: order }, () => 1)];
    const D = lags.reduce((a, b) => a + b, 0);
    if (train.length <= D)
      throw new InvalidArgumentError('series', `more than ${D} training values (the differencing lags)`, raw(`${train.length}`));
    const unscaled = new TargetTransform(options.log ?? false, lags, Scaler.fit('none', [0]), column);
    const levels = unscaled.levels(train, 0);
    return new TargetTransform(unscaled.log, lags, Scaler.fit(options.scaler ?? 'standard', levels[levels.length - 1]!, column), column);
  }

  static fromJSON(s: TargetTransformState, column = 'target'): TargetTransform {
    if (
      typeof s !== 'object' ||
      s === null ||
      typeof s.log !== 'boolean' ||
      !Array.isArray(s.lags) ||
      !s.lags.every((l) => Number.isInteger(l) && l > 0)
    )
      throw new CorruptModelError('targetTransform', '{ log, lags, scaler }', s);
    return new TargetTransform(s.log, s.lags, Scaler.fromJSON(s.scaler, column), column);
  }

  /** log(x) then each difference in turn; level k has `lags[0..k)` fewer values. */
  private levels(values: ArrayLike<number>, firstRow: number): Float64Array[] {
    const base = Float64Array.from(values, (v, i) => {
      if (!Number.isFinite(v)) throw new InvalidArgumentError(`column "${this.column}" (row ${firstRow + i})`, 'a finite number', v);
      if (this.log && !(v > 0))
        throw new InvalidArgumentError(`column "${this.column}" (row ${firstRow + i})`, 'a value > 0 for the log transform', v);
      return this.log ? Math.log(v) : v;
    });
    const out: Float64Array[] = [base];
    for (const lag of this.lags) out.push(difference(out[out.length - 1]!, lag));
    return out;
  }

  /**
   * The transformed series, `values.length - dropped` long: entry i belongs to row i + dropped. `firstRow`
   * is the row of values[0], for error messages.
   */
  transform(values: ArrayLike<number>, firstRow = 0): Float64Array {
    if (values.length <= this.dropped)
      throw new InvalidArgumentError('series', `more than ${this.dropped} values (the differencing lags)`, raw(`${values.length}`));
    const levels = this.levels(values, firstRow);
    return this.scaler.transform(levels[levels.length - 1]!, firstRow + this.dropped);
  }

  /**
   * Original-scale values of the steps after `history` from their transformed values: unscale, undo each
   * difference from the history's last values (and the steps already undone), undo the log.
   * `history` needs at least `dropped` values and ends right before the first future step.
   */
  inverse(history: ArrayLike<number>, future: ArrayLike<number>): Float64Array {
    const D = this.dropped;
    if (history.length < D)
      throw new InvalidArgumentError('history', `at least ${D} values (the differencing lags)`, raw(`${history.length}`));
    const levels = this.levels(Array.prototype.slice.call(history, history.length - D) as number[], 0);
    let f = this.scaler.inverse(future);
    for (let j = this.lags.length - 1; j >= 0; j--) {
      const lag = this.lags[j]!;
      const base = levels[j]!;
      const out = new Float64Array(f.length);
      for (let h = 0; h < f.length; h++) out[h] = f[h]! + (h >= lag ? out[h - lag]! : base[base.length + h - lag]!);
      f = out;
    }
    return this.log ? f.map(Math.exp) : f;
  }

  toJSON(): TargetTransformState {
    return { log: this.log, lags: [...this.lags], scaler: this.scaler.toJSON() };
  }
}
