// Output selection and merge rules: the nodes after a recurrent operator that decide how its directions are used
// (Gather / Squeeze / Reshape of one direction; Concat / Add / Mul / Add + Mul 0.5 of both; Transpose + Reshape
// joining them; a Transpose keeping them on their own axis), which fixes the layer's merge mode.
import { CorruptModelError, raw, UnsupportedError } from '@rnn/core';
import { embeddingLookup } from './import-dense.js';
import { gatherLastStep, lastStep } from './import-last-step.js';
import { reshapeInserted, squeezeInserted } from './import-unsqueeze.js';
import {
  type Axis,
  axisOf,
  type Chain,
  chainOf,
  commit,
  constOf,
  fmtAxes,
  fmtTensor,
  lastLayer,
  reshapeFits,
  type Value,
  withLastLayer,
} from './import-values.js';
import type { Attributes } from './read.js';

/** Gather: the embedding lookup on the token ids, the last time step, or one direction of a recurrent output. */
export function gather(ins: readonly (Value | undefined)[], attrs: Attributes, where: string): Chain {
  const axis = attrs.int('axis') ?? 0;
  const [data, indices] = ins;
  if (data?.kind === 'const' && indices?.kind === 'chain' && indices.chain.ids)
    return embeddingLookup(data.tensor, indices.chain, axis, where);
  const c = chainOf(data, `${where}.input[0]`);
  const p = c.pending;
  const at = axisOf(axis, c.axes.length, `${where}.attribute "axis"`);
  if (c.axes[at] === 'T') return gatherLastStep(c, indices, at, where);
  if (p === null || c.axes[at] !== 'D' || p.select !== null)
    throw new UnsupportedError(
      where,
      'an embedding lookup or one direction of a recurrent output',
      raw(`a Gather on axis ${at} of ${fmtAxes(c.axes)}`),
    );
  const t = constOf(indices, `${where}.input[1]`);
  const D = p.node.directions.length;
  if (t.ints === null || t.dims.length !== 0 || !(t.ints[0]! >= -D && t.ints[0]! < D))
    throw new UnsupportedError(`${where}.input[1]`, `a scalar direction index below ${D}`, raw(fmtTensor(t)));
  const select = (t.ints[0]! + D) % D;
  const axes = c.axes.filter((_, i) => i !== at);
  if (D === 1) return commit(c, 'concat', axes);
  return { ...c, axes, pending: { ...p, select } };
}

/**
 * Squeeze: of a one-direction recurrent output's directions axis (default: that axis), of the time step a Slice
 * kept, or of the axes an Unsqueeze inserted.
 */
export function squeeze(c: Chain, given: number[] | undefined, where: string): Chain {
  if (c.unsqueezed !== null) return squeezeInserted(c, given, where);
  const axes = (given ?? c.axes.flatMap((a, i) => (a === 'D' && c.pending?.node.directions.length === 1 ? [i] : []))).map((a) =>
    axisOf(a, c.axes.length, `${where} axes`),
  );
  const p = c.pending;
  if (axes.length === 1 && c.axes[axes[0]!] === 'L') return lastStep(c, axes[0]!, where);
  if (axes.length !== 1 || c.axes[axes[0]!] !== 'D' || p === null || p.node.directions.length !== 1)
    throw new UnsupportedError(
      `${where} axes`,
      'the directions axis of a one-direction recurrent output, or a time axis sliced to its last step',
      raw(`[${axes.join(', ')}]`),
    );
  return commit(
    c,
    'concat',
    c.axes.filter((_, i) => i !== axes[0]),
  );
}

/**
 * Reshape: drops a one-direction axis, joins [..., 2, H] directions into [..., 2H] (concat merge), or drops the
 * axes an Unsqueeze inserted.
 */
export function reshape(c: Chain, shape: number[], attrs: Attributes, where: string): Chain {
  if ((attrs.int('allowzero') ?? 0) !== 0) throw new UnsupportedError(`${where}.attribute "allowzero"`, '0', attrs.int('allowzero'));
  if (c.unsqueezed !== null) return reshapeInserted(c, shape, where);
  const p = c.pending;
  const d = c.axes.indexOf('D');
  const fits = (axes: readonly Axis[]): boolean => reshapeFits(shape, c.axes, axes);
  if (p !== null && p.select === null && d >= 0) {
    const dropped = c.axes.filter((_, i) => i !== d);
    if (p.node.directions.length === 1 && fits(dropped)) return commit(c, 'concat', dropped);
    const H = p.node.hiddenSize;
    const joined = [...c.axes.slice(0, d), 2 * H];
    if (p.node.directions.length === 2 && d === c.axes.length - 2 && fits(joined)) return commit(c, 'concat', joined);
  }
  throw new UnsupportedError(
    `${where}.input shape`,
    "a shape that drops a recurrent output's one-direction axis or joins its two directions (concat)",
    raw(`[${shape.join(', ')}] on ${fmtAxes(c.axes)}`),
  );
}

/** Transpose: any permutation (the axes keep their meaning); after a Softmax only one that keeps its axis last. */
export function transpose(c: Chain, attrs: Attributes, where: string): Chain {
  const perm = attrs.ints('perm') ?? c.axes.map((_, i) => c.axes.length - 1 - i);
  if (perm.length !== c.axes.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
    throw new CorruptModelError(`${where}.attribute "perm"`, `a permutation of ${c.axes.length} axes`, `[${perm.join(', ')}]`);
  const keepsLast = perm[perm.length - 1] === perm.length - 1;
  if (c.softmax !== null && !keepsLast)
    throw new UnsupportedError(where, 'a Transpose that keeps the Softmax axis last', raw(`[${perm.join(', ')}]`));
  return { ...c, axes: perm.map((p) => c.axes[p]!), last: keepsLast ? c.last : null };
}

/** The two directions of one bidirectional output, forward first, with the same axes. */
function directionPair(ins: readonly (Value | undefined)[], where: string, op: string): Chain {
  const [a, b] = [ins[0], ins[1]].map((v) => (v?.kind === 'chain' ? v.chain : null));
  const pa = a?.pending;
  const pb = b?.pending;
  if (
    ins.length !== 2 ||
    !pa ||
    !pb ||
    pa.node !== pb.node ||
    pa.sequences !== pb.sequences ||
    pa.select !== 0 ||
    pb.select !== 1 ||
    fmtAxes(a!.axes) !== fmtAxes(b!.axes)
  )
    throw new UnsupportedError(
      where,
      `a ${op} of the forward and backward directions of one recurrent output (forward first)`,
      raw('other inputs'),
    );
  return a!;
}

/** Concat of both directions on the features axis: merge concat. */
export function concat(ins: readonly (Value | undefined)[], attrs: Attributes, where: string): Chain {
  const axis = attrs.int('axis');
  if (axis === undefined) throw new CorruptModelError(`${where}.attribute "axis"`, 'an axis', 'none');
  const a = directionPair(ins, where, 'Concat');
  if (axisOf(axis, a.axes.length, `${where}.attribute "axis"`) !== a.axes.length - 1)
    throw new UnsupportedError(`${where}.attribute "axis"`, 'the features axis (concat merge)', axis);
  return commit(a, 'concat', [...a.axes.slice(0, -1), 2 * a.pending!.node.hiddenSize]);
}

/** Add or Mul of both directions: merge sum (which a Mul by 0.5 may make average) or mul. */
export function mergeDirections(ins: readonly (Value | undefined)[], op: 'Add' | 'Mul', where: string): Chain {
  const a = directionPair(ins, where, op);
  return op === 'Add' ? commit(a, 'sum', a.axes, 'sum') : commit(a, 'mul', a.axes);
}

/** Mul by the constant 0.5 right after summed directions: merge average. */
export function average(c: Chain, factor: Value & { kind: 'const' }, where: string): Chain {
  const t = factor.tensor;
  const spec = lastLayer(c);
  if (c.last !== 'sum' || spec?.kind !== 'recurrent' || t.floats === null || t.floats.length !== 1 || t.floats[0] !== 0.5)
    throw new UnsupportedError(where, 'a Mul by 0.5 of summed directions (merge mode average)', raw('another Mul by a constant'));
  return { ...c, layers: withLastLayer(c, { ...spec, mergeMode: 'average' }), last: null };
}
