// Unsqueeze, where it does not change what the chain computes: on a constant it only adds size-1 dims (as an
// exporter writes around initial states and indices), and on the chain it inserts axes that the node reading it
// removes again (a Squeeze of those axes or a Reshape dropping them), as PyTorch's exporter writes around
// recurrent outputs. The inserted axes are 'U' until then; every other reader is refused naming the Unsqueeze.
import { CorruptModelError, raw, UnsupportedError } from '@rnn/core';
import { type Axis, axisOf, type Chain, type Context, chainOf, fmtAxes, intsArg, reshapeFits, type Value } from './import-values.js';
import type { Attributes } from './read.js';

/** Unsqueeze(data, axes): a constant with size-1 dims added, or the chain with 'U' axes inserted. */
export function unsqueeze(ins: readonly (Value | undefined)[], attrs: Attributes, where: string, ctx: Context, output: string): Value {
  const given = intsArg(ins, 1, 'axes', attrs, ctx.opset >= 13, where);
  if (given === undefined || given.length === 0) throw new CorruptModelError(`${where} axes`, 'the axes to insert', 'none');
  const data = ins[0];
  const rank = (data?.kind === 'const' ? data.tensor.dims.length : chainOf(data, `${where}.input[0]`).axes.length) + given.length;
  const axes = given.map((a) => axisOf(a, rank, `${where} axes`));
  if (new Set(axes).size !== axes.length) throw new CorruptModelError(`${where} axes`, 'distinct axes', `[${given.join(', ')}]`);
  const insert = <A>(from: readonly A[], one: A): A[] => {
    const rest = [...from];
    return Array.from({ length: rank }, (_, i) => (axes.includes(i) ? one : rest.shift()!));
  };
  if (data?.kind === 'const') return { kind: 'const', tensor: { ...data.tensor, dims: insert(data.tensor.dims, 1) }, name: output };
  const c = chainOf(data, `${where}.input[0]`);
  return { kind: 'chain', chain: { ...c, axes: insert<Axis>(c.axes, 'U'), unsqueezed: where } };
}

/** A Squeeze of exactly the axes an Unsqueeze inserted: the chain as it was. */
export function squeezeInserted(c: Chain, axes: readonly number[] | undefined, where: string): Chain {
  const inserted = c.axes.flatMap((a, i) => (a === 'U' ? [i] : []));
  const normalised = axes?.map((a) => axisOf(a, c.axes.length, `${where} axes`)).sort((a, b) => a - b);
  if (normalised?.join() !== inserted.join())
    throw new UnsupportedError(
      `${where} axes`,
      `the axes [${inserted.join(', ')}] inserted by ${c.unsqueezed}`,
      raw(axes === undefined ? 'none (every size-1 axis)' : `[${axes.join(', ')}]`),
    );
  return removeInserted(c);
}

/** A Reshape that only drops the axes an Unsqueeze inserted: the chain as it was. */
export function reshapeInserted(c: Chain, shape: readonly number[], where: string): Chain {
  const restored = removeInserted(c);
  if (!reshapeFits(shape, c.axes, restored.axes))
    throw new UnsupportedError(
      `${where}.input shape`,
      `a shape that drops the axes inserted by ${c.unsqueezed}`,
      raw(`[${shape.join(', ')}] on ${fmtAxes(c.axes)}`),
    );
  return restored;
}

const removeInserted = (c: Chain): Chain => ({ ...c, axes: c.axes.filter((a) => a !== 'U'), unsqueezed: null });
