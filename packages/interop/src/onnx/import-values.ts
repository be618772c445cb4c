// The importer's model of an ONNX value: what every node input or output stands for while the graph is read
// symbolically (a constant, the sequence_lens input, or the layer chain so far with the meaning of each axis),
// and the transitions every operator mapping shares: committing a recurrent layer once the nodes after it decide
// its merge mode, and reading constants and axes with the importer's error messages.
import { type Activation, type Cell, CorruptModelError, type MergeMode, raw, UnsupportedError } from '@rnn/core';
import { type Attributes, type TensorValue, TYPE_NAME } from './read.js';

/**
 * An axis of a chain value: batch, time, the directions of a recurrent node, the last time step kept by a Slice
 * (size 1, to be squeezed), an axis of size 1 inserted by an Unsqueeze (to be removed by the next node), or a
 * feature axis of that size.
 */
export type Axis = 'B' | 'T' | 'D' | 'L' | 'U' | number;

/** One direction of a recurrent node in rnn's layout. */
export interface Direction {
  cell: Cell;
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  bias: Float64Array;
  recurrentBias: Float64Array | null;
}

export interface RecurrentNode {
  where: string;
  directions: Direction[];
  reverse: boolean;
  hiddenSize: number;
  /** The sequence_lens input it reads. */
  lengths: string | null;
}

export type LayerSpec =
  | { kind: 'embedding'; table: Float64Array; vocabSize: number; embeddingSize: number }
  | { kind: 'dense'; inputSize: number; outputSize: number; kernel: Float64Array; bias: Float64Array | null; activation: Activation }
  | { kind: 'recurrent'; node: RecurrentNode; returnSequences: boolean; mergeMode: MergeMode };

/** The layer chain's output at some node. */
export interface Chain {
  layers: readonly LayerSpec[];
  axes: readonly Axis[];
  /** A recurrent node's Y / Y_h whose directions are not decided yet (`select`: one direction taken by Gather). */
  pending: { node: RecurrentNode; sequences: boolean; select: number | null } | null;
  /**
   * What the last operation was, for the nodes that complete it: a dense's Add (bias) and activation, average's
   * Mul, a last-step selection of a recurrent layer's steps.
   */
  last: 'matmul' | 'dense' | 'sum' | 'recurrent' | null;
  /** The raw token ids (only an embedding Gather may read them). */
  ids: boolean;
  /** The Softmax node that produced it (only Identity / Transpose may follow). */
  softmax: string | null;
  /** The Unsqueeze node that inserted its 'U' axes (only a Squeeze / Reshape removing them may follow). */
  unsqueezed: string | null;
}

/** An entry of a shape computed from a value's Shape: a known size, or the (dynamic) batch or time size. */
export type Dim = number | 'B' | 'T';

export type Value =
  | { kind: 'chain'; chain: Chain }
  | { kind: 'const'; tensor: TensorValue; name: string }
  | { kind: 'lengths'; name: string }
  | { kind: 'refused'; why: string }
  /** An int vector (or, `scalar`, one int) computed from the Shape node `from`. */
  | { kind: 'shape'; dims: readonly Dim[]; scalar: boolean; from: string }
  /** All zeros of a computed shape, made by the ConstantOfShape / Expand node `from`. */
  | { kind: 'zeros'; dims: readonly Dim[]; from: string };

export interface Context {
  opset: number;
  ignored: string[];
  lengthsUsed: Set<string>;
  recurrentNodes: { where: string; lengths: string | null }[];
}

/** A graph input's chain: features [B, T, F] or token ids [B, T]. */
export const inputChain = (axes: readonly Axis[], ids: boolean): Chain => ({
  layers: [],
  axes,
  pending: null,
  last: null,
  ids,
  softmax: null,
  unsqueezed: null,
});

export const chainValue = (chain: Chain): Value => ({ kind: 'chain', chain });

export const fmtDims = (dims: readonly Dim[]): string => `[${dims.map((d) => (d === 'B' ? 'batch' : d === 'T' ? 'time' : d)).join(', ')}]`;

/** A computed shape or zeros value, as error messages show it. */
export const fmtComputed = (v: Value & { kind: 'shape' | 'zeros' }): string =>
  v.kind === 'shape' ? `the shape ${fmtDims(v.dims)} computed by ${v.from}` : `the zeros ${fmtDims(v.dims)} of ${v.from}`;

export const fmtAxes = (axes: readonly Axis[]): string =>
  `[${axes
    .map((a) =>
      a === 'B' ? 'batch' : a === 'T' ? 'time' : a === 'D' ? 'directions' : a === 'L' ? 'last step' : a === 'U' ? 'inserted 1' : a,
    )
    .join(', ')}]`;

/** A tensor's type and dims, as error messages show it. */
export const fmtTensor = (t: TensorValue): string => `${TYPE_NAME[t.dataType]} [${t.dims.join(', ')}]`;

export const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export const lastLayer = (c: Chain): LayerSpec | undefined => c.layers[c.layers.length - 1];

/** The chain with its last layer replaced. */
export const withLastLayer = (c: Chain, spec: LayerSpec): readonly LayerSpec[] => [...c.layers.slice(0, -1), spec];

export function chainOf(v: Value | undefined, where: string): Chain {
  if (v?.kind === 'chain') return v.chain;
  if (v?.kind === 'refused') throw new UnsupportedError(where, 'a value rnn computes', raw(v.why));
  throw new UnsupportedError(
    where,
    'the output of the layer chain',
    raw(v?.kind === 'const' ? `the constant "${v.name}"` : v?.kind === 'shape' || v?.kind === 'zeros' ? fmtComputed(v) : 'sequence_lens'),
  );
}

export function constOf(v: Value | undefined, where: string): TensorValue {
  if (v?.kind !== 'const')
    throw new UnsupportedError(
      where,
      'a constant (initializer or Constant node)',
      raw(v?.kind === 'chain' ? 'a computed value' : v?.kind === 'shape' || v?.kind === 'zeros' ? fmtComputed(v) : 'none'),
    );
  return v.tensor;
}

export function intsOf(v: Value | undefined, where: string): number[] {
  const t = constOf(v, where);
  if (t.ints === null) throw new CorruptModelError(where, 'an int64 tensor', TYPE_NAME[t.dataType]);
  return t.ints;
}

/**
 * An int list that an operator takes as an attribute before some opset and as input `k` from it on (Squeeze /
 * Unsqueeze axes from opset 13, Slice's from opset 10).
 */
export function intsArg(
  ins: readonly (Value | undefined)[],
  k: number,
  name: string,
  attrs: Attributes,
  asInput: boolean,
  where: string,
): number[] | undefined {
  if (!asInput) return attrs.ints(name);
  return ins[k] === undefined ? undefined : intsOf(ins[k], `${where}.input ${name}`);
}

/** A normalised axis of a rank-`rank` value (negative counts from the end). */
export function axisOf(a: number, rank: number, where: string): number {
  const axis = a < 0 ? a + rank : a;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new CorruptModelError(where, `an axis of a rank-${rank} value`, `${a}`);
  return axis;
}

/**
 * Whether a Reshape `shape` turns axes `from` into `to`. Batch and time are dynamic: each must be copied (0, same
 * position) or be the one inferred axis (-1).
 */
export const reshapeFits = (shape: readonly number[], from: readonly Axis[], to: readonly Axis[]): boolean =>
  shape.length === to.length &&
  shape.filter((s) => s === -1).length <= 1 &&
  shape.every((s, i) => s === -1 || (s === 0 && from[i] === to[i]) || s === to[i]);

/** A chain with its recurrent layer committed. */
export function commit(c: Chain, mergeMode: MergeMode, axes: readonly Axis[], last: Chain['last'] = 'recurrent'): Chain {
  const p = c.pending!;
  return {
    ...c,
    layers: [...c.layers, { kind: 'recurrent', node: p.node, returnSequences: p.sequences, mergeMode }],
    axes,
    pending: null,
    last,
  };
}

/**
 * The chain as a plain tensor for a node that computes on it: a bidirectional output whose directions stay on
 * their own axis after batch / time is merge mode 'none' ([..., 2, H]); other undecided outputs are refused.
 */
export function settle(c: Chain, where: string): Chain {
  const p = c.pending;
  if (p === null) return c;
  const d = c.axes.indexOf('D');
  const lead = c.axes.slice(0, d);
  if (
    p.select === null &&
    p.node.directions.length === 2 &&
    d === c.axes.length - 2 &&
    lead.includes('B') &&
    lead.length === (p.sequences ? 2 : 1)
  )
    return commit(
      c,
      'none',
      c.axes.map((a) => (a === 'D' ? 2 : a)),
    );
  throw new UnsupportedError(
    where,
    `the output of ${p.node.where} with its directions selected (Gather / Squeeze) or merged (Concat, Add, Mul)`,
    raw(p.select === null ? `the directions axis in ${fmtAxes(c.axes)}` : `only direction ${p.select}`),
  );
}
