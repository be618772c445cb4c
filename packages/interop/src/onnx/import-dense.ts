// The feed-forward layers around the recurrent ones: the embedding Gather on the token ids and the dense head
// (MatMul + bias Add, or Gemm, then an optional activation node), each folded into one layer spec.
import { type Activation, CorruptModelError, raw, UnsupportedError } from '@rnn/core';
import { ELEMENTWISE, hardSigmoid } from './import-activations.js';
import {
  type Chain,
  constOf,
  fmtAxes,
  fmtTensor,
  type LayerSpec,
  lastLayer,
  settle,
  size,
  type Value,
  withLastLayer,
} from './import-values.js';
import type { Attributes, TensorValue } from './read.js';

/** Gather(table [V, E], ids) on the token ids: an embedding layer, the first of the chain. */
export function embeddingLookup(table: TensorValue, ids: Chain, axis: number, where: string): Chain {
  if (table.floats === null || table.dims.length !== 2 || table.dims.some((d) => d === 0))
    throw new UnsupportedError(`${where}.input[0]`, 'a float embedding table [vocab, size]', raw(fmtTensor(table)));
  if (axis !== 0) throw new UnsupportedError(`${where}.attribute "axis"`, '0 (rows of the embedding table)', axis);
  const [vocabSize, embeddingSize] = table.dims as [number, number];
  const spec: LayerSpec = { kind: 'embedding', table: table.floats, vocabSize, embeddingSize };
  return { ...ids, layers: [spec], axes: ['B', 'T', embeddingSize], ids: false };
}

/** A dense layer on the features axis; W is [in, out], or [out, in] when `transposed` (Gemm transB). */
function denseOf(c: Chain, w: TensorValue, transposed: boolean, where: string): Chain {
  const F = c.axes[c.axes.length - 1];
  if (w.floats === null || w.dims.length !== 2 || typeof F !== 'number' || w.dims[transposed ? 1 : 0] !== F || w.dims.includes(0))
    throw new UnsupportedError(
      `${where}.input[1]`,
      `float weights ${transposed ? `[out, ${F}]` : `[${F}, out]`} for the features axis`,
      raw(fmtTensor(w)),
    );
  const [rows, cols] = w.dims as [number, number];
  const outputSize = transposed ? rows : cols;
  let kernel = w.floats;
  if (transposed) {
    kernel = new Float64Array(rows * cols);
    for (let o = 0; o < rows; o++) for (let i = 0; i < cols; i++) kernel[i * rows + o] = w.floats[o * cols + i]!;
  }
  const spec: LayerSpec = { kind: 'dense', inputSize: F, outputSize, kernel, bias: null, activation: 'linear' };
  return { ...c, layers: [...c.layers, spec], axes: [...c.axes.slice(0, -1), outputSize], last: 'matmul' };
}

/** MatMul(x, W [in, out]): a dense layer without bias yet. */
export function matMul(input: Chain, ins: readonly (Value | undefined)[], where: string): Chain {
  const c = settle(input, `${where}.input[0]`);
  return denseOf(c, constOf(ins[1], `${where}.input[1]`), false, where);
}

/** The bias Add right after a dense MatMul (or Gemm's C). */
export function denseBias(c: Chain, t: TensorValue, where: string): Chain {
  const spec = lastLayer(c);
  if (c.last !== 'matmul' || spec?.kind !== 'dense')
    throw new UnsupportedError(where, 'a bias Add right after a dense MatMul', raw('another position'));
  if (t.floats === null || size(t.dims) !== spec.outputSize || t.dims.slice(0, -1).some((d) => d !== 1) || t.dims.length === 0)
    throw new UnsupportedError(`${where}.input[1]`, `a float bias [${spec.outputSize}]`, raw(fmtTensor(t)));
  return { ...c, layers: withLastLayer(c, { ...spec, bias: t.floats }), last: 'dense' };
}

/** Gemm: a dense layer on [batch, features] (alpha = beta = 1, transA = 0). */
export function gemm(input: Chain, ins: readonly (Value | undefined)[], attrs: Attributes, where: string): Chain {
  const c = settle(input, `${where}.input[0]`);
  if (c.axes.length !== 2 || c.axes[0] !== 'B')
    throw new UnsupportedError(`${where}.input[0]`, 'a [batch, features] value', raw(fmtAxes(c.axes)));
  for (const [name, expected] of [
    ['alpha', 1],
    ['beta', 1],
    ['transA', 0],
  ] as const) {
    const v = name === 'transA' ? attrs.int(name) : attrs.float(name);
    if (v !== undefined && v !== expected) throw new UnsupportedError(`${where}.attribute "${name}"`, `${expected}`, v);
  }
  const transB = attrs.int('transB') ?? 0;
  if (transB !== 0 && transB !== 1) throw new CorruptModelError(`${where}.attribute "transB"`, '0 or 1', transB);
  const out = denseOf(c, constOf(ins[1], `${where}.input[1]`), transB === 1, where);
  return ins[2] === undefined ? out : denseBias(out, constOf(ins[2], `${where}.input[2]`), where);
}

/** An activation node right after a dense layer: the layer's activation. */
export function denseActivation(c: Chain, op: string, attrs: Attributes, where: string): Chain {
  const spec = lastLayer(c);
  if ((c.last !== 'matmul' && c.last !== 'dense') || spec?.kind !== 'dense' || spec.activation !== 'linear')
    throw new UnsupportedError(where, `${op} right after a dense layer (MatMul / Gemm, bias Add)`, raw('another position'));
  const activation: Activation =
    op === 'HardSigmoid' ? hardSigmoid(attrs.float('alpha') ?? 0.2, attrs.float('beta') ?? 0.5, where) : ELEMENTWISE[op]!;
  return { ...c, layers: withLastLayer(c, { ...spec, activation }), last: null };
}
