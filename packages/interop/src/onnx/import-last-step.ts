// The last time step of a recurrent layer's every-step output (PyTorch's `output[:, -1]`, written as Gather -1 on
// the time axis or Slice [-1:] + Squeeze): for a forward layer without sequence_lens it is the final state, so the
// layer becomes returnSequences false; anything else is refused.
import { raw, UnsupportedError } from '@rnn/core';
import {
  axisOf,
  type Chain,
  type Context,
  constOf,
  fmtAxes,
  fmtTensor,
  intsArg,
  lastLayer,
  type Value,
  withLastLayer,
} from './import-values.js';
import type { Attributes } from './read.js';

/**
 * The last step of a forward recurrent layer's every-step output is its final state: the same layer with
 * returnSequences false. Not so for a reverse or bidirectional layer (the backward direction's last step has read
 * one input) or with sequence_lens (padded steps are zero), which are refused.
 */
export function lastStep(c: Chain, at: number, where: string): Chain {
  const spec = lastLayer(c);
  if (c.last !== 'recurrent' || spec?.kind !== 'recurrent' || !spec.returnSequences)
    throw new UnsupportedError(where, 'the last step of a recurrent layer’s every-step output', raw('another value'));
  if (spec.node.directions.length !== 1 || spec.node.reverse || spec.node.lengths !== null)
    throw new UnsupportedError(
      where,
      'the last step of a forward layer without sequence_lens (its final state)',
      raw(
        spec.node.lengths !== null
          ? `${spec.node.where} with sequence_lens`
          : `the ${spec.node.reverse ? 'reverse' : 'bidirectional'} ${spec.node.where}`,
      ),
    );
  return {
    ...c,
    layers: withLastLayer(c, { ...spec, returnSequences: false }),
    axes: c.axes.filter((_, i) => i !== at),
    last: null,
  };
}

/** Gather(-1) on the time axis `at`. */
export function gatherLastStep(c: Chain, indices: Value | undefined, at: number, where: string): Chain {
  const t = constOf(indices, `${where}.input[1]`);
  if (t.ints === null || t.dims.length !== 0 || t.ints[0] !== -1)
    throw new UnsupportedError(`${where}.input[1]`, 'the scalar -1 (the last time step)', raw(fmtTensor(t)));
  return lastStep(c, at, where);
}

/** Slice keeping the last time step ([-1:] on the time axis); a Squeeze of that axis then completes it. */
export function sliceLastStep(c: Chain, ins: readonly (Value | undefined)[], attrs: Attributes, where: string, ctx: Context): Chain {
  const part = (k: number, name: string): number[] | undefined => intsArg(ins, k, name, attrs, ctx.opset >= 10, where);
  const [starts, ends, axes, steps] = [part(1, 'starts'), part(2, 'ends'), part(3, 'axes'), part(4, 'steps')];
  const axis = axes?.length === 1 ? axisOf(axes[0]!, c.axes.length, `${where} axes`) : -1;
  const toEnd = ends?.length === 1 && ends[0]! >= 2 ** 31 - 1;
  if (
    axis < 0 ||
    c.axes[axis] !== 'T' ||
    starts?.length !== 1 ||
    starts[0] !== -1 ||
    !toEnd ||
    (steps !== undefined && steps.join() !== '1')
  )
    throw new UnsupportedError(
      where,
      'a Slice [-1:] of the time axis (the last step)',
      raw(`starts [${starts ?? ''}], ends [${ends ?? ''}], axes [${axes ?? ''}] on ${fmtAxes(c.axes)}`),
    );
  return { ...c, axes: c.axes.map((a, i) => (i === axis ? 'L' : a)) };
}
