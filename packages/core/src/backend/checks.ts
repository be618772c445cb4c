// Shape checks shared by every backend, so all of them throw the same typed errors.
import { checkOneOf, InvalidArgumentError, ReleasedTensorError, ShapeError } from '../errors.js';
import { ACTIVATIONS, type Activation, type CrossEntropyOptions, type GemmOptions, type PointwiseLoss, type Tensor } from './contract.js';

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(argument: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new InvalidArgumentError(argument, 'a non-empty array of non-negative integers', shape);
  return shape as number[];
}

export const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** Rows of the matrix view: product of all dims but the last. */
export const rowsOf = (t: Tensor): number => (t.shape.length === 1 ? 1 : t.size / t.shape[t.shape.length - 1]!);
/** Columns of the matrix view: the last dim. */
export const colsOf = (t: Tensor): number => t.shape[t.shape.length - 1]!;

export function checkLive(argument: string, t: Tensor): void {
  if (t.released) throw new ReleasedTensorError(argument);
}

export function checkSameSize(argument: string, t: Tensor, size: number): void {
  if (t.size !== size) throw new ShapeError(argument, `${size} elements`, `${t.size} elements (shape ${fmtShape(t.shape)})`);
}

export function checkExactShape(argument: string, t: Tensor, expected: readonly number[]): void {
  if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i]))
    throw new ShapeError(argument, `shape ${fmtShape(expected)}`, fmtShape(t.shape));
}

export function checkActivation(argument: string, kind: unknown): Activation {
  return checkOneOf(argument, kind, ACTIVATIONS);
}

/** Validates a GEMM and returns its dims: out [m, n] = op(a) [m, k] x op(b) [k, n]. */
export function gemmDims(a: Tensor, b: Tensor, out: Tensor, o: GemmOptions = {}): { m: number; n: number; k: number } {
  checkLive('a', a);
  checkLive('b', b);
  checkLive('out', out);
  const [ar, ac] = [rowsOf(a), colsOf(a)];
  const [br, bc] = [rowsOf(b), colsOf(b)];
  const m = o.transA ? ac : ar;
  const k = o.transA ? ar : ac;
  const kb = o.transB ? bc : br;
  const n = o.transB ? br : bc;
  if (k !== kb)
    throw new ShapeError(
      'b',
      `inner dimension ${k} (from a ${fmtShape(a.shape)}${o.transA ? '^T' : ''})`,
      `${kb} (b ${fmtShape(b.shape)}${o.transB ? '^T' : ''})`,
    );
  if (rowsOf(out) !== m || colsOf(out) !== n) throw new ShapeError('out', `a [${m}, ${n}] matrix`, fmtShape(out.shape));
  if (o.bias) {
    checkLive('bias', o.bias);
    checkSameSize('bias', o.bias, n);
  }
  return { m, n, k };
}

export function checkStep(seq: Tensor, t: number, step: Tensor): { B: number; T: number; F: number } {
  checkLive('seq', seq);
  checkLive('step', step);
  if (seq.shape.length !== 3) throw new ShapeError('seq', 'rank 3 [batch, time, features]', fmtShape(seq.shape));
  const [B, T, F] = seq.shape as [number, number, number];
  if (!Number.isInteger(t) || t < 0 || t >= T) throw new InvalidArgumentError('t', `an integer in [0, ${T - 1}]`, t);
  if (step.size !== B * F) throw new ShapeError('step', `shape [${B}, ${F}]`, fmtShape(step.shape));
  return { B, T, F };
}

export function checkColumnParts(x: Tensor, parts: readonly Tensor[], argument: string): void {
  checkLive(argument, x);
  const rows = rowsOf(x);
  let cols = 0;
  parts.forEach((p, i) => {
    checkLive(`parts[${i}]`, p);
    if (rowsOf(p) !== rows) throw new ShapeError(`parts[${i}]`, `${rows} rows`, fmtShape(p.shape));
    cols += colsOf(p);
  });
  if (cols !== colsOf(x)) throw new ShapeError(argument, `${cols} columns (sum of the parts)`, fmtShape(x.shape));
}

export function checkLabels(logits: Tensor, labels: Int32Array, ignoreIndex: number | null = null): { n: number; c: number } {
  checkLive('logits', logits);
  const n = rowsOf(logits);
  const c = colsOf(logits);
  if (!(labels instanceof Int32Array)) throw new InvalidArgumentError('labels', 'an Int32Array', labels);
  if (labels.length !== n) throw new ShapeError('labels', `${n} labels (one per row of logits)`, `${labels.length}`);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if ((l < 0 || l >= c) && l !== ignoreIndex)
      throw new InvalidArgumentError(
        `labels[${i}]`,
        `a class index in [0, ${c - 1}]${ignoreIndex === null ? '' : ` or ${ignoreIndex} (ignored)`}`,
        l,
      );
  }
  return { n, c };
}

/** Lengths for an end-padded batch: B integers in 1..T. */
export function checkLengths(argument: string, lengths: unknown, B: number, T: number): Int32Array {
  if (!(lengths instanceof Int32Array) && !Array.isArray(lengths))
    throw new InvalidArgumentError(argument, `an Int32Array of ${B} lengths`, lengths);
  if (lengths.length !== B) throw new ShapeError(argument, `${B} lengths (one per sample)`, `${lengths.length}`);
  for (let b = 0; b < B; b++) {
    const l = lengths[b];
    if (!Number.isInteger(l) || l < 1 || l > T)
      throw new InvalidArgumentError(`${argument}[${b}]`, `an integer in [1, ${T}] (the sequence length)`, l);
  }
  return lengths instanceof Int32Array ? lengths : Int32Array.from(lengths as number[]);
}

/** Checks that every index is an integer in [0, V). */
export function checkIndices(argument: string, data: ArrayLike<number>, V: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= V)
      throw new InvalidArgumentError(`${argument}[${i}]`, `an integer index in [0, ${V - 1}]`, v);
  }
}

export function checkLoss(argument: string, kind: unknown): PointwiseLoss {
  return checkOneOf(argument, kind, ['mse', 'mae', 'huber', 'bce'] as const);
}

/** Validates cross-entropy options against C classes. */
export function checkCrossEntropyOptions(
  c: number,
  o: CrossEntropyOptions | undefined,
): { weights: ArrayLike<number> | null; ignore: number | null } {
  const weights = o?.classWeights ?? null;
  if (weights) {
    if (weights.length !== c) throw new ShapeError('classWeights', `${c} weights (one per class)`, `${weights.length}`);
    for (let j = 0; j < c; j++)
      if (!(weights[j]! >= 0 && Number.isFinite(weights[j])))
        throw new InvalidArgumentError(`classWeights[${j}]`, 'a finite weight >= 0', weights[j]);
  }
  const ignore = o?.ignoreIndex ?? null;
  if (ignore !== null && !Number.isInteger(ignore)) throw new InvalidArgumentError('ignoreIndex', 'an integer', ignore);
  return { weights, ignore };
}
