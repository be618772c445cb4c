// The recurrent operators: an ONNX RNN / LSTM / GRU node as a recurrent layer spec in rnn's weight layout (gate
// blocks reordered, Wb and Rb summed or kept apart, activations per direction), with every attribute and input
// rnn cannot compute refused. Its outputs Y / Y_h stay pending until the nodes after them pick the directions.
import { type Activation, type Cell, CorruptModelError, gru, lstm, raw, simpleRnn, UnsupportedError } from '@rnn/core';
import { blocksToRnn, rowsToCols } from '../torch/gates.js';
import type { CellKind } from '../torch/layers.js';
import { cellActivation } from './import-activations.js';
import { checkZeros } from './import-shapes.js';
import {
  type Chain,
  type Context,
  chainOf,
  constOf,
  type Dim,
  type Direction,
  fmtAxes,
  fmtTensor,
  type RecurrentNode,
  settle,
  type Value,
} from './import-values.js';
import type { Attributes, TensorValue } from './read.js';

/** ONNX gate blocks as rnn blocks (as the exporter writes them): LSTM i, o, f, c; GRU z, r, h; RNN h. */
const GATE_ORDER: Readonly<Record<CellKind, readonly number[]>> = { lstm: [0, 3, 1, 2], gru: [0, 1, 2], rnn: [0] };
export const CELL_KIND: Readonly<Record<string, CellKind>> = { RNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };
/** The operator's default activations for one direction. */
const DEFAULT_ACTIVATIONS: Readonly<Record<CellKind, readonly string[]>> = {
  rnn: ['Tanh'],
  lstm: ['Sigmoid', 'Tanh', 'Tanh'],
  gru: ['Sigmoid', 'Tanh'],
};
const RECURRENT_ATTRIBUTES = new Set([
  'activation_alpha',
  'activation_beta',
  'activations',
  'clip',
  'direction',
  'hidden_size',
  'layout',
  'input_forget',
  'linear_before_reset',
]);

/** The node's outputs Y, Y_h (pending chains) and Y_c (refused). */
export function recurrentNode(
  kind: CellKind,
  ins: (Value | undefined)[],
  names: readonly string[],
  attrs: Attributes,
  where: string,
  ctx: Context,
): (Value | undefined)[] {
  for (const name of attrs.names())
    if (
      !RECURRENT_ATTRIBUTES.has(name) ||
      (name === 'input_forget' && kind !== 'lstm') ||
      (name === 'linear_before_reset' && kind !== 'gru')
    )
      throw new UnsupportedError(`${where}.attribute "${name}"`, 'an attribute of the ONNX operator', raw('unknown'));
  const clip = attrs.float('clip');
  if (clip !== undefined) throw new UnsupportedError(`${where}.attribute "clip"`, 'no cell clipping (rnn cells do not clip)', clip);
  const inputForget = attrs.int('input_forget') ?? 0;
  if (inputForget !== 0)
    throw new UnsupportedError(`${where}.attribute "input_forget"`, '0 (rnn LSTMs have separate input and forget gates)', inputForget);
  const layout = attrs.int('layout') ?? 0;
  if (layout !== 0 && layout !== 1) throw new CorruptModelError(`${where}.attribute "layout"`, '0 or 1', layout);
  const direction = attrs.string('direction') ?? 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(direction))
    throw new CorruptModelError(`${where}.attribute "direction"`, '"forward", "reverse" or "bidirectional"', direction);
  const D = direction === 'bidirectional' ? 2 : 1;
  const order = GATE_ORDER[kind];
  const G = order.length;

  const x = settle(chainOf(ins[0], `${where}.input X`), `${where}.input X`);
  const I = x.axes[2];
  const expectedAxes = layout === 0 ? ['T', 'B'] : ['B', 'T'];
  if (x.axes.length !== 3 || x.axes[0] !== expectedAxes[0] || x.axes[1] !== expectedAxes[1] || typeof I !== 'number')
    throw new UnsupportedError(
      `${where}.input X`,
      layout === 0 ? '[time, batch, features] (layout 0)' : '[batch, time, features] (layout 1)',
      raw(fmtAxes(x.axes)),
    );
  const W = constOf(ins[1], `${where}.input W`);
  const R = constOf(ins[2], `${where}.input R`);
  const H = R.dims[2] ?? 0;
  const hiddenSize = attrs.int('hidden_size') ?? H;
  const shapeCheck = (t: TensorValue, what: string, dims: number[]): Float64Array => {
    if (t.floats === null || t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i]))
      throw new CorruptModelError(`${where}.input ${what}`, `float [${dims.join(', ')}]`, fmtTensor(t));
    return t.floats;
  };
  if (!(H > 0) || hiddenSize !== H)
    throw new CorruptModelError(
      `${where}.input R`,
      `[${D}, ${G}·hidden_size, hidden_size] with hidden_size ${hiddenSize}`,
      `[${R.dims.join(', ')}]`,
    );
  const w = shapeCheck(W, 'W', [D, G * H, I]);
  const r = shapeCheck(R, 'R', [D, G * H, H]);
  const b = ins[3] === undefined ? new Float64Array(D * 2 * G * H) : shapeCheck(constOf(ins[3], `${where}.input B`), 'B', [D, 2 * G * H]);

  let lengths: string | null = null;
  if (ins[4] !== undefined) {
    if (ins[4].kind !== 'lengths')
      throw new UnsupportedError(
        `${where}.input sequence_lens`,
        'the int32 [batch] graph input',
        raw(ins[4].kind === 'const' ? 'a constant' : 'a computed value'),
      );
    lengths = ins[4].name;
    ctx.lengthsUsed.add(lengths);
  }
  ctx.recurrentNodes.push({ where, lengths });
  // Zero initial states and peepholes are what rnn computes; others are not representable.
  for (const [k, what] of [
    [5, 'initial_h'],
    [6, 'initial_c'],
    [7, 'P'],
  ] as const) {
    const v = ins[k];
    if (v === undefined) continue;
    if (v.kind === 'zeros') {
      // Zeros built from the input's shape (PyTorch's dynamic batch): the same as none once their shape fits.
      const expected: Dim[] = what === 'P' ? [D, 3 * H] : layout === 0 ? [D, 'B', H] : ['B', D, H];
      const meaning =
        what === 'P'
          ? 'num_directions, 3·hidden_size'
          : layout === 0
            ? 'num_directions, batch, hidden_size'
            : 'batch, num_directions, hidden_size';
      checkZeros(v, expected, meaning, `${where}.input ${what}`);
      ctx.ignored.push(`${where}.input ${what}: all zeros, the same as none`);
      continue;
    }
    const t = v.kind === 'const' ? v.tensor : null;
    if (t === null || t.floats === null || t.floats.some((e) => e !== 0))
      throw new UnsupportedError(
        `${where}.input ${what}`,
        what === 'P' ? 'no peepholes (rnn LSTMs have none)' : 'a zero initial state (rnn starts every sequence from zeros)',
        raw(t === null ? `the value "${names[k]}"` : 'non-zero values'),
      );
    ctx.ignored.push(`${where}.input ${what}: all zeros, the same as none`);
  }

  const perDirection = DEFAULT_ACTIVATIONS[kind].length;
  const functions = attrs.strings('activations') ?? Array.from({ length: D }, () => DEFAULT_ACTIVATIONS[kind]).flat();
  if (functions.length !== D * perDirection)
    throw new CorruptModelError(`${where}.attribute "activations"`, `${D * perDirection} functions`, `${functions.length}`);
  const alphas = attrs.floats('activation_alpha') ?? [];
  const betas = attrs.floats('activation_beta') ?? [];
  let taken = 0;
  const take = (): [number | undefined, number | undefined] => [alphas[taken], betas[taken++]];
  const activations = functions.map((f) => cellActivation(f, take, where));

  const linearBeforeReset = attrs.int('linear_before_reset') ?? 0;
  if (linearBeforeReset !== 0 && linearBeforeReset !== 1)
    throw new CorruptModelError(`${where}.attribute "linear_before_reset"`, '0 or 1', linearBeforeReset);
  const GH = G * H;
  const directions: Direction[] = [];
  for (let d = 0; d < D; d++) {
    const [f, g, h] = activations.slice(d * perDirection, (d + 1) * perDirection) as [Activation, Activation?, Activation?];
    const sizes = { inputSize: I, hiddenSize: H };
    let cell: Cell;
    if (kind === 'rnn') {
      if (f !== 'tanh' && f !== 'relu')
        throw new UnsupportedError(`${where}.attribute "activations"`, 'Tanh or Relu for an RNN', functions[d]!);
      cell = simpleRnn({ ...sizes, activation: f });
    } else if (kind === 'lstm') {
      if (g !== h)
        throw new UnsupportedError(
          `${where}.attribute "activations"`,
          'the same cell (g) and output (h) functions of an LSTM',
          raw(`${functions[d * 3 + 1]} and ${functions[d * 3 + 2]}`),
        );
      cell = lstm({ ...sizes, recurrentActivation: f, activation: g! });
    } else cell = gru({ ...sizes, recurrentActivation: f, activation: g!, resetAfter: linearBeforeReset === 1 });
    const wb = b.subarray(d * 2 * GH, d * 2 * GH + GH);
    const rb = b.subarray(d * 2 * GH + GH, (d + 1) * 2 * GH);
    // With the reset gate applied after the recurrent product, GRU keeps Rb apart; everywhere else ONNX adds
    // Wb and Rb inside the same activation, so one summed bias is exact.
    const resetAfter = kind === 'gru' && linearBeforeReset === 1;
    directions.push({
      cell,
      kernel: rowsToCols(w.subarray(d * GH * I, (d + 1) * GH * I), I, H, order),
      recurrentKernel: rowsToCols(r.subarray(d * GH * H, (d + 1) * GH * H), H, H, order),
      bias: blocksToRnn(resetAfter ? wb : wb.map((v, i) => v + rb[i]!), H, order),
      recurrentBias: resetAfter ? blocksToRnn(rb, H, order) : null,
    });
  }
  const node: RecurrentNode = { where, directions, reverse: direction === 'reverse', hiddenSize: H, lengths };
  const base = { layers: x.layers, last: null, ids: false, softmax: null, unsqueezed: null } as const;
  const y: Chain = {
    ...base,
    axes: layout === 0 ? ['T', 'D', 'B', H] : ['B', 'T', 'D', H],
    pending: { node, sequences: true, select: null },
  };
  const yh: Chain = { ...base, axes: layout === 0 ? ['D', 'B', H] : ['B', 'D', H], pending: { node, sequences: false, select: null } };
  return [
    { kind: 'chain', chain: y },
    { kind: 'chain', chain: yh },
    { kind: 'refused', why: `the cell state Y_c of ${where} (rnn layers output the hidden state)` },
  ];
}
