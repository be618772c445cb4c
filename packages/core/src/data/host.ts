// Host-side arrays: what users hand to a model, validated before anything reaches a backend.
import { fmtShape } from '../backend/checks.js';
import { InvalidArgumentError, ShapeError, checkFinite } from '../errors.js';

export type HostData = Float32Array | Float64Array | Int32Array | readonly number[];

/** A dense row-major array with its shape, e.g. a batch of sequences [batch, time, features]. */
export interface HostTensor {
  data: HostData;
  shape: readonly number[];
}

/** Checks shape, length and (unless allowed) NaN/Infinity; names the argument in every error. */
export function checkHostTensor(argument: string, t: unknown, rank?: number): HostTensor {
  if (typeof t !== 'object' || t === null || !('data' in t) || !('shape' in t))
    throw new InvalidArgumentError(argument, 'a { data, shape } host tensor', t);
  const { data, shape } = t as HostTensor;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0))
    throw new ShapeError(`${argument}.shape`, 'an array of positive integers', shape);
  if (rank !== undefined && shape.length !== rank)
    throw new ShapeError(`${argument}.shape`, `rank ${rank}`, fmtShape(shape));
  if (!(Array.isArray(data) || data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array))
    throw new InvalidArgumentError(`${argument}.data`, 'a Float32Array, Float64Array, Int32Array or number[]', data);
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (data.length !== size)
    throw new ShapeError(`${argument}.data`, `${size} values for shape ${fmtShape(shape)}`, `${data.length} values`);
  checkFinite(`${argument}.data`, data);
  return t as HostTensor;
}

/** The time slice [t0, t1) of a [B, T, ...] host tensor (truncated BPTT chunks). */
export function sliceTime(t: HostTensor, t0: number, t1: number): HostTensor {
  const [B, T] = t.shape as [number, number];
  const inner = t.shape.slice(2).reduce((a, b) => a * b, 1);
  const len = t1 - t0;
  const Ctor = t.data instanceof Float32Array ? Float32Array : t.data instanceof Int32Array ? Int32Array : Float64Array;
  const out = new Ctor(B * len * inner);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < len * inner; i++) out[b * len * inner + i] = t.data[(b * T + t0) * inner + i]!;
  return { data: out, shape: [B, len, ...t.shape.slice(2)] };
}
