// How a series becomes network inputs. Input row of series row t:
//
//   [z_t, past_t..., known_{t+1}..., calendar_{t+1}...]
//
// z is the transformed target; past covariates are observed at t; known covariates and calendar features
// belong to the next step (what is known about it in advance). A window with origin o (the last observed
// row) reads rows o-lookback+1..o and targets z_{o+1..o+horizon}. For seq2seq the window also carries the
// rows o..o+horizon-1 with only their known and calendar columns: the decoder's inputs for each step.
import { type HostTensor, InvalidArgumentError, raw } from '@rnn/core';
import { type CalendarEncoding, type CalendarField, calendarFeatures } from './calendar.js';
import { futureTime } from './forecast-model.js';
import type { Scaler } from './scalers.js';
import { column, type TimeSeries } from './series.js';
import type { TargetTransform } from './transforms.js';

/** What is fitted on the training part to turn rows into inputs. */
export interface Preprocessing {
  target: string;
  transform: TargetTransform;
  pastFeatures: readonly string[];
  pastScalers: readonly Scaler[];
  knownFeatures: readonly string[];
  knownScalers: readonly Scaler[];
  calendarFields: readonly CalendarField[];
  calendarEncoding: CalendarEncoding;
}

export interface WindowShape {
  lookback: number;
  horizon: number;
  /** Append the decoder rows (seq2seq). */
  decoder: boolean;
}

/** Input rows of a series (row r belongs to series row r + dropped) and its target on the same rows. */
export interface Frame {
  /** [series rows - dropped + horizon - 1, width]: the rows past the series end carry only known and calendar parts. */
  rows: Float64Array;
  /** Transformed target, one per series row from `dropped` on. */
  z: Float64Array;
  /** The target column of the series, original scale. */
  y: Float64Array;
}

/** Values per input row, and how many trailing ones (known and calendar) a decoder reads. */
export function inputWidth(p: Preprocessing): { width: number; decoder: number } {
  const calendar = calendarFeatures([0], p.calendarFields, p.calendarEncoding).names.length;
  const decoder = p.knownFeatures.length + calendar;
  return { width: 1 + p.pastFeatures.length + decoder, decoder };
}

/** The input rows of a series; `future` extends the known covariates over the horizon (forecasting). */
export function buildFrame(p: Preprocessing, horizon: number, s: TimeSeries, future: Readonly<Record<string, Float64Array>> | null): Frame {
  const D = p.transform.dropped;
  const n = s.length;
  const { width: F } = inputWidth(p);
  const y = column(s, p.target);
  const z = p.transform.transform(y);
  const past = p.pastFeatures.map((name, j) => p.pastScalers[j]!.transform(column(s, name)));
  const known = p.knownFeatures.map((name, j) => {
    const ext = new Float64Array(n + horizon).fill(Number.NaN); // an unknown future: never read by training windows
    ext.set(p.knownScalers[j]!.transform(column(s, name)));
    if (future) ext.set(p.knownScalers[j]!.transform(future[name]!, n), n);
    return ext;
  });
  const P = past.length;
  const K = known.length;
  const C = F - 1 - P - K;
  let calendar: Float64Array | null = null;
  if (C > 0) {
    if (!s.time || !s.frequency)
      throw new InvalidArgumentError('history', 'a time index with a frequency (for the calendar features)', raw('none'));
    const times = new Float64Array(n + horizon);
    times.set(s.time);
    times.set(futureTime(s, horizon)!, n);
    calendar = calendarFeatures(times, p.calendarFields, p.calendarEncoding).values;
  }
  const count = n - D + horizon - 1; // series rows D .. n + horizon - 2
  const rows = new Float64Array(count * F);
  for (let r = 0; r < count; r++) {
    const t = r + D;
    const base = r * F;
    rows[base] = t < n ? z[r]! : Number.NaN;
    for (let j = 0; j < P; j++) rows[base + 1 + j] = t < n ? past[j]![t]! : Number.NaN;
    for (let j = 0; j < K; j++) rows[base + 1 + P + j] = known[j]![t + 1]!;
    for (let k = 0; k < C; k++) rows[base + 1 + P + K + k] = calendar![(t + 1) * C + k]!;
  }
  return { rows, z, y };
}

/** Network inputs at origins (series rows): [B, lookback, width], or [B, lookback + horizon, width] with the decoder rows. */
export function windowInputs(p: Preprocessing, shape: WindowShape, frame: Frame, origins: readonly number[]): HostTensor {
  const { lookback: L, horizon: H } = shape;
  const D = p.transform.dropped;
  const { width: F } = inputWidth(p);
  const T = shape.decoder ? L + H : L;
  const lead = 1 + p.pastFeatures.length; // target and past columns: not known for forecast steps
  const x = new Float64Array(origins.length * T * F);
  origins.forEach((o, b) => {
    const r0 = o - D - L + 1;
    x.set(frame.rows.subarray(r0 * F, (r0 + L) * F), b * T * F);
    if (shape.decoder)
      for (let k = 0; k < H; k++) {
        const r = o - D + k;
        x.set(frame.rows.subarray(r * F + lead, (r + 1) * F), (b * T + L + k) * F + lead);
      }
  });
  return { data: x, shape: [origins.length, T, F] };
}

/** Transformed targets of the `steps` rows after each origin: [B, steps]. */
export function windowTargets(p: Preprocessing, frame: Frame, origins: readonly number[], steps: number): HostTensor {
  const D = p.transform.dropped;
  const y = new Float64Array(origins.length * steps);
  origins.forEach((o, b) => {
    for (let h = 0; h < steps; h++) y[b * steps + h] = frame.z[o + 1 + h - D]!;
  });
  return { data: y, shape: [origins.length, steps] };
}
