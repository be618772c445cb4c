// ONNX export of an rnn Sequential: embedding → Gather, recurrent / bidirectional → the ONNX RNN, LSTM and
// GRU operators, dense → MatMul + Add (+ activation), optional final Softmax.
//
// Layout: the graph reads x [batch, time, features] (token ids [batch, time] after an embedding) and returns
// y batch-major like `predict`. The recurrent operators run with layout = 0 (time-major, X [T, B, I]) behind
// Transpose nodes, because onnxruntime's CPU kernels reject layout = 1 ("Batchwise recurrent operations
// (layout == 1) are not supported"). Values stay time-major between recurrent layers and through
// time-distributed dense layers (MatMul works on any leading axes); one Transpose restores [B, T, …] at the end.
import { type Activation, InvalidArgumentError, type Parameter, type Sequential, UnsupportedError } from '@rnn/core';
import { blocksFromRnn, colsToRows } from '../torch/gates.js';
import { type CellInfo, type CellKind, describeLayers, type LayerInfo, type RecurrentInfo } from '../torch/layers.js';
import { type Attribute, attr, type Dim, Graph } from './graph.js';
import { DataType } from './proto.js';

export interface OnnxExportOptions {
  /** Operator set version, 14 to 23. Default 17. The IR version follows (see ONNX_IR_VERSION). */
  opset?: number;
  /** Append a Softmax over the last axis (class probabilities instead of logits). Default false. */
  softmax?: boolean;
  /**
   * Add the graph input `sequence_lens` (int32 [batch]): per-sample lengths of end-padded batches, as
   * `predict(x, { lengths })`. Default false (every sequence uses all time steps).
   */
  sequenceLengths?: boolean;
  /** Element type of the token ids of a model that starts with an embedding. Default 'int64'. */
  tokenType?: 'int64' | 'int32';
}

/** The IR version released with each supported opset (onnx/helper.py VERSION_TABLE). */
export const ONNX_IR_VERSION: Readonly<Record<number, number>> = {
  14: 7,
  15: 8,
  16: 8,
  17: 8,
  18: 8,
  19: 9,
  20: 9,
  21: 10,
  22: 10,
  23: 11,
};

/** ONNX gate blocks as rnn blocks: LSTM i, o, f, c from rnn i, f, g, o; GRU z, r, h is rnn's z, r, n. */
const ONNX_GATE_ORDER: Readonly<Record<CellKind, readonly number[]>> = { lstm: [0, 3, 1, 2], gru: [0, 1, 2], rnn: [0] };

const OPERATOR: Readonly<Record<CellKind, string>> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };

/** rnn activations as ONNX recurrent-operator activation functions (with their alpha / beta). */
const ACTIVATION: Readonly<Record<Activation, { name: string; alpha?: number; beta?: number }>> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  hardSigmoid6: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
};

/** A value in the graph: its name and its shape, [T, B] or [B, T] (or just [B]) followed by `features`. */
interface Value {
  name: string;
  hasTime: boolean;
  timeMajor: boolean;
  features: number[];
}

/** Serialises the model as an ONNX ModelProto. Layers or options ONNX cannot express are an UnsupportedError. */
export function exportOnnx(model: Sequential, options: OnnxExportOptions = {}): Uint8Array {
  const opset = options.opset ?? 17;
  const irVersion = ONNX_IR_VERSION[opset];
  if (irVersion === undefined) throw new InvalidArgumentError('options.opset', 'an integer from 14 to 23', opset);
  const softmax = flag('options.softmax', options.softmax);
  const withLengths = flag('options.sequenceLengths', options.sequenceLengths);
  const tokenType = options.tokenType ?? 'int64';
  if (tokenType !== 'int64' && tokenType !== 'int32') throw new InvalidArgumentError('options.tokenType', '"int64" or "int32"', tokenType);

  const infos = describeLayers(model);
  const first = infos.find((i) => i.kind !== 'dropout');
  if (!first) throw new UnsupportedError('model', 'at least one embedding, recurrent or dense layer', 'only dropout layers');
  if (withLengths && !infos.some((i) => i.kind === 'recurrent'))
    throw new InvalidArgumentError('options.sequenceLengths', 'a model with recurrent layers (lengths only affect them)', true);

  const g = new Graph();
  let v: Value;
  if (first.kind === 'embedding')
    v = {
      name: g.input('x', tokenType === 'int64' ? DataType.INT64 : DataType.INT32, ['batch', 'time']),
      hasTime: true,
      timeMajor: false,
      features: [],
    };
  else {
    const size =
      first.kind === 'recurrent' ? first.directions[0]!.cell.inputSize : (first as Extract<LayerInfo, { kind: 'dense' }>).inputSize;
    v = { name: g.input('x', DataType.FLOAT, ['batch', 'time', size]), hasTime: true, timeMajor: false, features: [size] };
  }
  const lengths = withLengths ? g.input('sequence_lens', DataType.INT32, ['batch']) : null;

  for (const info of infos) {
    if (info.kind === 'dropout') continue; // identity at inference
    if (info.kind === 'embedding') {
      if (info !== first)
        throw new UnsupportedError(`layers[${info.index}]`, 'an embedding only as the first layer (it reads the token ids)', 'embedding');
      v = {
        ...v,
        name: g.op('Gather', [g.floats(`embedding_${info.index}`, [info.vocabSize, info.embeddingSize], read(model, info.table)), v.name]),
        features: [info.embeddingSize],
      };
    } else if (info.kind === 'recurrent') v = recurrentLayer(g, model, info, v, lengths);
    else {
      v = {
        ...v,
        name: g.op('MatMul', [v.name, g.floats(`dense_${info.index}_kernel`, [info.inputSize, info.outputSize], read(model, info.kernel))]),
        features: [...v.features.slice(0, -1), info.outputSize],
      };
      if (info.bias) v.name = g.op('Add', [v.name, g.floats(`dense_${info.index}_bias`, [info.outputSize], read(model, info.bias))]);
      v.name = activation(g, info.activation, v.name);
    }
  }
  if (softmax) v.name = g.op('Softmax', [v.name], [attr.int('axis', -1)]);
  if (v.hasTime && v.timeMajor)
    v = { ...v, name: g.op('Transpose', [v.name], [attr.ints('perm', [1, 0, ...v.features.map((_, i) => i + 2)])]), timeMajor: false };
  const dims: Dim[] = ['batch', ...(v.hasTime ? ['time'] : []), ...v.features];
  g.output(v.name, 'y', DataType.FLOAT, dims);
  return g.toModel({
    opset,
    irVersion,
    name: 'rnn',
    docString: `rnn Sequential: ${infos.map((i) => i.layer.kind).join(' → ')}`,
    metadata: { 'rnn.layers': JSON.stringify(model.layerConfigs()) },
  });
}

function flag(argument: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw new InvalidArgumentError(argument, 'a boolean', value);
  return value === true;
}

const read = (model: Sequential, p: Parameter): ArrayLike<number> => model.backend.read(p.value);

/** An element-wise activation node (none for linear). */
function activation(g: Graph, a: Activation, input: string): string {
  if (a === 'linear') return input;
  const f = ACTIVATION[a];
  const attrs = f.alpha === undefined ? [] : [attr.float('alpha', f.alpha), attr.float('beta', f.beta!)];
  return g.op(f.name, [input], attrs);
}

/** The ONNX operator's activations for one direction: LSTM f, g, h; GRU f, g; RNN f. */
function cellActivations(cell: CellInfo): Activation[] {
  if (cell.kind === 'lstm') return [cell.recurrentActivation, cell.activation, cell.activation];
  if (cell.kind === 'gru') return [cell.recurrentActivation, cell.activation];
  return [cell.activation];
}

function recurrentLayer(g: Graph, model: Sequential, info: RecurrentInfo, input: Value, lengths: string | null): Value {
  const at = `layers[${info.index}]`;
  if (info.stateful)
    throw new UnsupportedError(`${at}.stateful`, 'false (an exported graph starts every sequence from a zero state)', true);
  const { kind, inputSize: I, hiddenSize: H } = info.directions[0]!.cell;
  const order = ONNX_GATE_ORDER[kind];
  const GH = order.length * H;
  const D = info.directions.length;

  // W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] = [Wb, Rb] per direction.
  const W = new Float64Array(D * GH * I);
  const R = new Float64Array(D * GH * H);
  const B = new Float64Array(D * 2 * GH);
  info.directions.forEach(({ params }, d) => {
    W.set(colsToRows(read(model, params.kernel), I, H, order), d * GH * I);
    R.set(colsToRows(read(model, params.recurrentKernel), H, H, order), d * GH * H);
    B.set(blocksFromRnn(read(model, params.bias), H, order), d * 2 * GH);
    if (params.recurrentBias) B.set(blocksFromRnn(read(model, params.recurrentBias), H, order), d * 2 * GH + GH);
  });

  const functions = info.directions.flatMap((d) => cellActivations(d.cell)).map((a) => ACTIVATION[a]);
  // onnxruntime reads activation_alpha / activation_beta in order, one value per function that takes one.
  const alphas = functions.flatMap((f) => (f.alpha === undefined ? [] : [f.alpha]));
  const betas = functions.flatMap((f) => (f.beta === undefined ? [] : [f.beta]));
  const attributes: Attribute[] = [
    attr.int('hidden_size', H),
    attr.string('direction', D === 2 ? 'bidirectional' : info.reverse ? 'reverse' : 'forward'),
    attr.strings(
      'activations',
      functions.map((f) => f.name),
    ),
  ];
  if (alphas.length) attributes.push(attr.floats('activation_alpha', alphas), attr.floats('activation_beta', betas));
  if (kind === 'gru') attributes.push(attr.int('linear_before_reset', info.directions[0]!.cell.resetAfter ? 1 : 0));

  const x = input.timeMajor ? input.name : g.op('Transpose', [input.name], [attr.ints('perm', [1, 0, 2])], 'x_time_major');
  const name = `${OPERATOR[kind].toLowerCase()}_${info.index}`;
  const inputs = [x, g.floats(`${name}_W`, [D, GH, I], W), g.floats(`${name}_R`, [D, GH, H], R), g.floats(`${name}_B`, [D, 2 * GH], B)];
  if (lengths) inputs.push(lengths);
  // Y [T, D, B, H] for every step, or Y_h [D, B, H] for the final state.
  const [y, yh] = g.node(OPERATOR[kind], inputs, attributes, info.returnSequences ? [`${name}_Y`] : ['', `${name}_Y_h`]);
  const out = info.returnSequences ? y! : yh!;
  const axis = info.returnSequences ? 1 : 0;
  const hasTime = info.returnSequences;
  const direction = (d: number): string => g.op('Gather', [out, g.scalar('int64', d)], [attr.int('axis', axis)], `${name}_dir${d}`);
  if (D === 1) return { name: direction(0), hasTime, timeMajor: true, features: [H] };
  if (info.mergeMode === 'none') {
    // rnn puts the directions on their own axis after batch and time: [T, B, 2, H] / [B, 2, H]
    const perm = info.returnSequences ? [0, 2, 1, 3] : [1, 0, 2];
    return { name: g.op('Transpose', [out], [attr.ints('perm', perm)]), hasTime, timeMajor: true, features: [2, H] };
  }
  const [f, b] = [direction(0), direction(1)];
  switch (info.mergeMode) {
    case 'concat':
      return { name: g.op('Concat', [f, b], [attr.int('axis', -1)]), hasTime, timeMajor: true, features: [2 * H] };
    case 'sum':
      return { name: g.op('Add', [f, b]), hasTime, timeMajor: true, features: [H] };
    case 'mul':
      return { name: g.op('Mul', [f, b]), hasTime, timeMajor: true, features: [H] };
    default: // average, as rnn computes it: (forward + backward) · 0.5
      return { name: g.op('Mul', [g.op('Add', [f, b]), g.scalar('float', 0.5)]), hasTime, timeMajor: true, features: [H] };
  }
}
