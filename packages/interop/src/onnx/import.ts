// ONNX import: an .onnx ModelProto whose graph is a chain rnn can represent, as a core Sequential.
//
// The graph is read symbolically, node by node in file order: every value is either a constant (initializer or
// Constant node), the token ids / features input, the sequence_lens input, or the output of the layer chain so
// far together with the meaning of each of its axes (batch, time, recurrent directions, features). Recurrent
// operators leave their output "pending" until the nodes after them show how the directions are used (Gather /
// Squeeze of one direction, Concat / Add / Mul / Mul-by-0.5 of both, or a Transpose that keeps them on their
// own axis), which decides the layer's merge mode and whether it returns sequences. Anything else is refused
// with an UnsupportedError naming the node, so an imported model always computes what the file computes.
import {
  type Activation,
  adam,
  type Backend,
  bidirectional,
  type Cell,
  CorruptModelError,
  dense,
  embedding,
  gru,
  InvalidArgumentError,
  type LayerDef,
  type Loss,
  lstm,
  type MergeMode,
  type Optimizer,
  raw,
  recurrent,
  Sequential,
  simpleRnn,
  softmaxCrossEntropy,
  UnsupportedError,
} from '@rnn/core';
import { blocksToRnn, rowsToCols } from '../torch/gates.js';
import type { CellKind } from '../torch/layers.js';
import { DataType } from './proto.js';
import { Attributes, type DecodedNode, type DecodedValueInfo, decodeModel, readTensor, type TensorValue, TYPE_NAME } from './read.js';

export interface OnnxImportOptions {
  /** For further training. Default softmaxCrossEntropy(). */
  loss?: Loss;
  /** For further training. Default adam(). */
  optimizer?: Optimizer;
  /** Seeds the rnn model (dropout, shuffling). Default 0. */
  seed?: number;
  /**
   * A final Softmax: 'reject' (default) throws an UnsupportedError; 'logits' drops it, so `predict` returns
   * logits (apply softmax yourself) and `softmaxCrossEntropy()` trains the model the file describes.
   */
  softmax?: 'reject' | 'logits';
}

export interface OnnxModelInput {
  /** The graph input's name. */
  name: string;
  /** 'x': `predict`'s input (features [batch, time, F] or token ids [batch, time]); 'lengths': predict's `lengths`. */
  role: 'x' | 'lengths';
  elemType: 'float32' | 'float64' | 'int32' | 'int64';
  /** As declared: a size, a dynamic dimension's name, or null for an unnamed one. */
  shape: (number | string | null)[];
}

export interface ImportedOnnxModel {
  model: Sequential;
  /** The graph inputs in file order. */
  inputs: OnnxModelInput[];
  /** The graph output's name. */
  output: string;
  /** A final Softmax was dropped (options.softmax 'logits'): `predict` returns its logits. */
  softmaxDropped: boolean;
  /** What of the file the rnn model does not keep (unused nodes and inputs, metadata, dropped no-ops), one line each. */
  ignored: string[];
}

/** ONNX gate blocks as rnn blocks (as the exporter writes them): LSTM i, o, f, c; GRU z, r, h; RNN h. */
const GATE_ORDER: Readonly<Record<CellKind, readonly number[]>> = { lstm: [0, 3, 1, 2], gru: [0, 1, 2], rnn: [0] };
const CELL_KIND: Readonly<Record<string, CellKind>> = { RNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };
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
const ELEMENTWISE: Readonly<Record<string, Activation>> = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu' };

/**
 * An axis of a chain value: batch, time, the directions of a recurrent node, the last time step kept by a Slice
 * (size 1, to be squeezed), or a feature axis of that size.
 */
type Axis = 'B' | 'T' | 'D' | 'L' | number;

interface Direction {
  cell: Cell;
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  bias: Float64Array;
  recurrentBias: Float64Array | null;
}

interface RecurrentNode {
  where: string;
  directions: Direction[];
  reverse: boolean;
  hiddenSize: number;
  /** The sequence_lens input it reads. */
  lengths: string | null;
}

type LayerSpec =
  | { kind: 'embedding'; table: Float64Array; vocabSize: number; embeddingSize: number }
  | { kind: 'dense'; inputSize: number; outputSize: number; kernel: Float64Array; bias: Float64Array | null; activation: Activation }
  | { kind: 'recurrent'; node: RecurrentNode; returnSequences: boolean; mergeMode: MergeMode };

/** The layer chain's output at some node. */
interface Chain {
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
}

type Value =
  | { kind: 'chain'; chain: Chain }
  | { kind: 'const'; tensor: TensorValue; name: string }
  | { kind: 'lengths'; name: string }
  | { kind: 'refused'; why: string };

interface Context {
  opset: number;
  ignored: string[];
  lengthsUsed: Set<string>;
  recurrentNodes: { where: string; lengths: string | null }[];
}

/** Builds an rnn Sequential on `backend` from an .onnx file's bytes; see the package README for the mapping. */
export function importOnnx(backend: Backend, bytes: Uint8Array, options: OnnxImportOptions = {}): ImportedOnnxModel {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'an options object', options);
  const softmax = options.softmax ?? 'reject';
  if (softmax !== 'reject' && softmax !== 'logits') throw new InvalidArgumentError('options.softmax', '"reject" or "logits"', softmax);
  const m = decodeModel(bytes);
  const graph = m.graph;
  if (graph === undefined) throw new CorruptModelError('graph', 'a GraphProto', 'none');
  const opset = (m.opset_import ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version;
  if (opset === undefined || !Number.isSafeInteger(opset) || opset < 1)
    throw new CorruptModelError('opset_import', 'a version of the default ONNX domain', opset === undefined ? 'none' : `${opset}`);

  const ctx: Context = { opset, ignored: [], lengthsUsed: new Set(), recurrentNodes: [] };
  const values = new Map<string, Value>();
  for (const [k, t] of (graph.initializer ?? []).entries()) {
    const name = t.name ?? '';
    const what = `graph.initializer[${k}] "${name}"`;
    if (name === '') throw new CorruptModelError(`graph.initializer[${k}].name`, 'a name', 'an empty one');
    if (values.has(name)) throw new CorruptModelError(what, 'a unique name', 'a second initializer of that name');
    values.set(name, { kind: 'const', tensor: readTensor(t, what), name });
  }
  const inputs = readInputs(graph.input ?? [], values);

  const nodes = graph.node ?? [];
  const outputs = graph.output ?? [];
  if (outputs.length !== 1)
    throw new UnsupportedError('graph.output', 'one output (rnn models are a chain of layers)', raw(`${outputs.length} outputs`));
  const outName = outputs[0]!.name ?? '';
  checkOrder(nodes, new Set(values.keys()), outName);

  // Only the nodes the output depends on are mapped; the rest are reported.
  const needed = new Set<number>();
  const wanted = new Set([outName]);
  for (let k = nodes.length - 1; k >= 0; k--)
    if ((nodes[k]!.output ?? []).some((o) => wanted.has(o))) {
      needed.add(k);
      for (const i of nodes[k]!.input ?? []) wanted.add(i);
    }
  nodes.forEach((node, k) => {
    if (!needed.has(k)) ctx.ignored.push(`${nodeName(node, k)}: its outputs do not reach the graph output`);
    else {
      const results = evaluate(node, nodeName(node, k), values, ctx);
      (node.output ?? []).forEach((o, j) => {
        const r = results[j];
        if (o !== '' && r !== undefined) values.set(o, r);
        else if (o !== '') values.set(o, { kind: 'refused', why: `output ${j} of ${nodeName(node, k)} (not produced by the mapping)` });
      });
    }
  });

  for (const input of inputs)
    if (input.role === 'lengths' && !ctx.lengthsUsed.has(input.name))
      ctx.ignored.push(`graph.input "${input.name}": not read by any recurrent node`);
  const usesLengths = ctx.recurrentNodes.filter((r) => r.lengths !== null);
  if (usesLengths.length > 0 && usesLengths.length < ctx.recurrentNodes.length) {
    const without = ctx.recurrentNodes.find((r) => r.lengths === null)!;
    throw new UnsupportedError(
      `${without.where}.input sequence_lens`,
      'the same sequence_lens on every recurrent node (predict applies `lengths` to all recurrent layers)',
      raw('none'),
    );
  }

  const outValue = values.get(outName)!;
  let chain = chainOf(outValue, `graph.output "${outName}"`);
  chain = settle(chain, `graph.output "${outName}"`);
  if (chain.ids || chain.layers.length === 0)
    throw new UnsupportedError(`graph.output "${outName}"`, 'the output of at least one layer', raw('the graph input'));
  const batchMajor = chain.axes[0] === 'B' && chain.axes.slice(1).every((a, i) => typeof a === 'number' || (a === 'T' && i === 0));
  if (!batchMajor)
    throw new UnsupportedError(
      `graph.output "${outName}"`,
      'a batch-major output [batch, (time,) features...] as predict returns',
      raw(fmtAxes(chain.axes)),
    );
  let softmaxDropped = false;
  if (chain.softmax !== null) {
    if (softmax === 'reject')
      throw new UnsupportedError(
        chain.softmax,
        'no final Softmax (pass options.softmax "logits" to drop it; predict then returns logits)',
        'Softmax',
      );
    softmaxDropped = true;
    ctx.ignored.push(`${chain.softmax}: dropped (options.softmax "logits"); predict returns logits`);
  }
  if ((m.metadata_props ?? []).length > 0)
    ctx.ignored.push(
      `metadata_props (${(m.metadata_props ?? []).map((p) => p.key).join(', ')}): not used, the model is built from the graph`,
    );

  const model = build(backend, chain.layers, options);
  return {
    model,
    inputs: inputs.filter((i) => i.role === 'x' || ctx.lengthsUsed.has(i.name)),
    output: outName,
    softmaxDropped,
    ignored: ctx.ignored,
  };
}

const nodeName = (node: DecodedNode, k: number): string =>
  node.name ? `node "${node.name}" (${node.op_type ?? '?'})` : `graph.node[${k}] (${node.op_type ?? '?'})`;

const fmtAxes = (axes: readonly Axis[]): string =>
  `[${axes.map((a) => (a === 'B' ? 'batch' : a === 'T' ? 'time' : a === 'D' ? 'directions' : a === 'L' ? 'last step' : a)).join(', ')}]`;

/** Graph inputs (minus initializers listed as inputs, as IR < 4 files do): one x, optionally sequence_lens. */
function readInputs(infos: readonly DecodedValueInfo[], values: Map<string, Value>): OnnxModelInput[] {
  const inputs: OnnxModelInput[] = [];
  for (const [k, info] of infos.entries()) {
    const name = info.name ?? '';
    if (values.get(name)?.kind === 'const') continue;
    const what = `graph.input "${name}"`;
    if (name === '' || values.has(name)) throw new CorruptModelError(`graph.input[${k}].name`, 'a unique, non-empty name', `"${name}"`);
    const tensor = info.type?.tensor_type;
    if (tensor === undefined) throw new UnsupportedError(what, 'a tensor input', raw('another type'));
    const elemType = TYPE_NAME[tensor.elem_type ?? 0];
    const shape = (tensor.shape?.dim ?? []).map((d) => d.dim_value ?? d.dim_param ?? null);
    const isFloat = elemType === 'float32' || elemType === 'float64';
    const isInt = elemType === 'int32' || elemType === 'int64';
    const features = shape[2];
    let role: OnnxModelInput['role'];
    if (isFloat && shape.length === 3) {
      if (typeof features !== 'number' || !Number.isSafeInteger(features) || features <= 0)
        throw new UnsupportedError(`${what} dims[2]`, 'a fixed, positive feature count', features);
      role = 'x';
      values.set(name, {
        kind: 'chain',
        chain: { layers: [], axes: ['B', 'T', features], pending: null, last: null, ids: false, softmax: null },
      });
    } else if (isInt && shape.length === 2) {
      role = 'x';
      values.set(name, { kind: 'chain', chain: { layers: [], axes: ['B', 'T'], pending: null, last: null, ids: true, softmax: null } });
    } else if (elemType === 'int32' && shape.length === 1) {
      role = 'lengths';
      values.set(name, { kind: 'lengths', name });
    } else
      throw new UnsupportedError(
        what,
        'features [batch, time, F] (float), token ids [batch, time] (int32 / int64) or sequence_lens [batch] (int32)',
        raw(`${elemType ?? `elem_type ${tensor.elem_type}`} of rank ${shape.length}`),
      );
    inputs.push({ name, role, elemType: elemType!, shape });
  }
  const xs = inputs.filter((i) => i.role === 'x');
  if (xs.length !== 1)
    throw new UnsupportedError(
      'graph.input',
      'one features or token-ids input',
      raw(xs.length === 0 ? 'none' : xs.map((i) => `"${i.name}"`).join(', ')),
    );
  return inputs;
}

/** Nodes must be topologically sorted (as ONNX requires): this also rules out cycles and unknown inputs. */
function checkOrder(nodes: readonly DecodedNode[], known: Set<string>, output: string): void {
  for (const [k, node] of nodes.entries()) {
    const where = nodeName(node, k);
    if (typeof node.op_type !== 'string' || node.op_type === '')
      throw new CorruptModelError(`graph.node[${k}].op_type`, 'an operator name', 'none');
    for (const [j, input] of (node.input ?? []).entries())
      if (input !== '' && !known.has(input))
        throw new CorruptModelError(`${where}.input[${j}]`, 'a value of an earlier node, an initializer or a graph input', `"${input}"`);
    for (const o of node.output ?? []) {
      if (o === '') continue;
      if (known.has(o)) throw new CorruptModelError(`${where}.output "${o}"`, 'a value name defined once', 'a second definition');
      known.add(o);
    }
  }
  if (!known.has(output)) throw new CorruptModelError(`graph.output "${output}"`, 'a value the graph computes', 'an unknown name');
}

function chainOf(v: Value | undefined, where: string): Chain {
  if (v?.kind === 'chain') return v.chain;
  if (v?.kind === 'refused') throw new UnsupportedError(where, 'a value rnn computes', raw(v.why));
  throw new UnsupportedError(
    where,
    'the output of the layer chain',
    raw(v?.kind === 'const' ? `the constant "${v.name}"` : 'sequence_lens'),
  );
}

function constOf(v: Value | undefined, where: string): TensorValue {
  if (v?.kind !== 'const')
    throw new UnsupportedError(where, 'a constant (initializer or Constant node)', raw(v?.kind === 'chain' ? 'a computed value' : 'none'));
  return v.tensor;
}

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function intsOf(v: Value | undefined, where: string): number[] {
  const t = constOf(v, where);
  if (t.ints === null) throw new CorruptModelError(where, 'an int64 tensor', TYPE_NAME[t.dataType]);
  return t.ints;
}

/** A normalised axis of a rank-`rank` value (negative counts from the end). */
function axisOf(a: number, rank: number, where: string): number {
  const axis = a < 0 ? a + rank : a;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new CorruptModelError(where, `an axis of a rank-${rank} value`, `${a}`);
  return axis;
}

/** A chain with its recurrent layer committed. */
function commit(c: Chain, mergeMode: MergeMode, axes: readonly Axis[], last: Chain['last'] = 'recurrent'): Chain {
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
function settle(c: Chain, where: string): Chain {
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

function evaluate(node: DecodedNode, where: string, values: Map<string, Value>, ctx: Context): (Value | undefined)[] {
  const op = node.op_type!;
  if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx')
    throw new UnsupportedError(`${where}.domain`, 'the default ONNX domain', node.domain);
  const attrs = new Attributes(node, where);
  const inputNames = node.input ?? [];
  const ins = inputNames.map((n) => (n === '' ? undefined : values.get(n)));
  const chains = ins.filter((v): v is Extract<Value, { kind: 'chain' }> => v?.kind === 'chain').map((v) => v.chain);
  const afterSoftmax = chains.find((c) => c.softmax !== null);
  if (afterSoftmax && op !== 'Identity' && op !== 'Transpose')
    throw new UnsupportedError(where, `nothing after ${afterSoftmax.softmax} but Identity or Transpose (Softmax ends the model)`, op);
  const ids = chains.find((c) => c.ids);
  if (ids && op !== 'Gather' && op !== 'Identity') throw new UnsupportedError(where, 'an embedding Gather reading the token ids', op);
  const sliced = chains.find((c) => c.axes.includes('L'));
  if (sliced && op !== 'Squeeze' && op !== 'Identity' && op !== 'Transpose')
    throw new UnsupportedError(where, 'a Squeeze of the time step kept by a Slice', op);
  const chainArg = (k: number): Chain => chainOf(ins[k], `${where}.input[${k}]`);
  const chain = (c: Chain): Value => ({ kind: 'chain', chain: c });

  switch (op) {
    case 'Identity':
      return [ins[0]];
    case 'Dropout':
      ctx.ignored.push(`${where}: identity at inference`);
      return [ins[0], { kind: 'refused', why: `the mask of ${where}` }];
    case 'Constant':
      return [{ kind: 'const', tensor: constantValue(attrs, where), name: node.output?.[0] ?? '' }];
    case 'Transpose': {
      const c = chainArg(0);
      const perm = attrs.ints('perm') ?? c.axes.map((_, i) => c.axes.length - 1 - i);
      if (perm.length !== c.axes.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
        throw new CorruptModelError(`${where}.attribute "perm"`, `a permutation of ${c.axes.length} axes`, `[${perm.join(', ')}]`);
      const keepsLast = perm[perm.length - 1] === perm.length - 1;
      if (c.softmax !== null && !keepsLast)
        throw new UnsupportedError(where, 'a Transpose that keeps the Softmax axis last', raw(`[${perm.join(', ')}]`));
      return [chain({ ...c, axes: perm.map((p) => c.axes[p]!), last: keepsLast ? c.last : null })];
    }
    case 'Gather':
      return [gather(ins, attrs, where)];
    case 'Squeeze': {
      const c = chainArg(0);
      const given = ctx.opset >= 13 ? (ins[1] === undefined ? undefined : intsOf(ins[1], `${where}.input axes`)) : attrs.ints('axes');
      const axes = (given ?? c.axes.flatMap((a, i) => (a === 'D' && c.pending?.node.directions.length === 1 ? [i] : []))).map((a) =>
        axisOf(a, c.axes.length, `${where} axes`),
      );
      const p = c.pending;
      if (axes.length === 1 && c.axes[axes[0]!] === 'L') return [chain(lastStep(c, axes[0]!, where))];
      if (axes.length !== 1 || c.axes[axes[0]!] !== 'D' || p === null || p.node.directions.length !== 1)
        throw new UnsupportedError(
          `${where} axes`,
          'the directions axis of a one-direction recurrent output, or a time axis sliced to its last step',
          raw(`[${axes.join(', ')}]`),
        );
      return [
        chain(
          commit(
            c,
            'concat',
            c.axes.filter((_, i) => i !== axes[0]),
          ),
        ),
      ];
    }
    case 'Slice':
      return [chain(sliceLastStep(chainArg(0), ins, attrs, where, ctx))];
    case 'Reshape':
      return [chain(reshape(chainArg(0), intsOf(ins[1], `${where}.input shape`), attrs, where))];
    case 'Concat': {
      const axis = attrs.int('axis');
      if (axis === undefined) throw new CorruptModelError(`${where}.attribute "axis"`, 'an axis', 'none');
      const [a] = directionPair(ins, where, 'Concat');
      if (axisOf(axis, a.axes.length, `${where}.attribute "axis"`) !== a.axes.length - 1)
        throw new UnsupportedError(`${where}.attribute "axis"`, 'the features axis (concat merge)', axis);
      return [chain(commit(a, 'concat', [...a.axes.slice(0, -1), 2 * a.pending!.node.hiddenSize]))];
    }
    case 'Add':
      return [chain(add(ins, where))];
    case 'Mul':
      return [chain(mul(ins, where))];
    case 'MatMul': {
      const c = settle(chainArg(0), `${where}.input[0]`);
      const w = constOf(ins[1], `${where}.input[1]`);
      return [chain(denseOf(c, w, false, null, where))];
    }
    case 'Gemm':
      return [chain(gemm(chainArg(0), ins, attrs, where))];
    case 'Sigmoid':
    case 'Tanh':
    case 'Relu':
    case 'HardSigmoid':
      return [chain(denseActivation(chainArg(0), op, attrs, where))];
    case 'Softmax': {
      const c = settle(chainArg(0), `${where}.input[0]`);
      const axis = attrs.int('axis') ?? (ctx.opset >= 13 ? -1 : 1);
      if (axisOf(axis, c.axes.length, `${where}.attribute "axis"`) !== c.axes.length - 1)
        throw new UnsupportedError(`${where}.attribute "axis"`, 'the last axis', axis);
      return [chain({ ...c, softmax: where, last: null })];
    }
    case 'RNN':
    case 'LSTM':
    case 'GRU':
      return recurrentNode(CELL_KIND[op]!, ins, inputNames, attrs, where, ctx);
    default:
      throw new UnsupportedError(
        where,
        'an operator of a recurrent chain (Gather, RNN, LSTM, GRU, MatMul, Gemm, Add, Mul, activations, Softmax, Transpose, Squeeze, Reshape, Concat, Identity)',
        op,
      );
  }
}

function constantValue(attrs: Attributes, where: string): TensorValue {
  const t = attrs.tensor('value');
  if (t !== undefined) return readTensor(t, `${where}.attribute "value"`);
  const f = attrs.float('value_float');
  if (f !== undefined) return { dims: [], dataType: DataType.FLOAT, floats: Float64Array.of(f), ints: null };
  const i = attrs.int('value_int');
  if (i !== undefined) return { dims: [], dataType: DataType.INT64, floats: null, ints: [i] };
  const fs = attrs.floats('value_floats');
  if (fs !== undefined) return { dims: [fs.length], dataType: DataType.FLOAT, floats: Float64Array.from(fs), ints: null };
  const is = attrs.ints('value_ints');
  if (is !== undefined) return { dims: [is.length], dataType: DataType.INT64, floats: null, ints: is };
  throw new UnsupportedError(where, 'a numeric value (value, value_float(s), value_int(s))', raw(attrs.names().join(', ') || 'none'));
}

/** Gather: the embedding lookup on the token ids, or one direction of a recurrent output. */
function gather(ins: (Value | undefined)[], attrs: Attributes, where: string): Value {
  const axis = attrs.int('axis') ?? 0;
  const [data, indices] = ins;
  if (data?.kind === 'const' && indices?.kind === 'chain' && indices.chain.ids) {
    const t = data.tensor;
    if (t.floats === null || t.dims.length !== 2 || t.dims.some((d) => d === 0))
      throw new UnsupportedError(
        `${where}.input[0]`,
        'a float embedding table [vocab, size]',
        raw(`${TYPE_NAME[t.dataType]} [${t.dims.join(', ')}]`),
      );
    if (axis !== 0) throw new UnsupportedError(`${where}.attribute "axis"`, '0 (rows of the embedding table)', axis);
    const [vocabSize, embeddingSize] = t.dims as [number, number];
    const spec: LayerSpec = { kind: 'embedding', table: t.floats, vocabSize, embeddingSize };
    return { kind: 'chain', chain: { ...indices.chain, layers: [spec], axes: ['B', 'T', embeddingSize], ids: false } };
  }
  const c = chainOf(data, `${where}.input[0]`);
  const p = c.pending;
  const at = axisOf(axis, c.axes.length, `${where}.attribute "axis"`);
  if (c.axes[at] === 'T') {
    const t = constOf(indices, `${where}.input[1]`);
    if (t.ints === null || t.dims.length !== 0 || t.ints[0] !== -1)
      throw new UnsupportedError(
        `${where}.input[1]`,
        'the scalar -1 (the last time step)',
        raw(`${TYPE_NAME[t.dataType]} [${t.dims.join(', ')}]`),
      );
    return { kind: 'chain', chain: lastStep(c, at, where) };
  }
  if (p === null || c.axes[at] !== 'D' || p.select !== null)
    throw new UnsupportedError(
      where,
      'an embedding lookup or one direction of a recurrent output',
      raw(`a Gather on axis ${at} of ${fmtAxes(c.axes)}`),
    );
  const t = constOf(indices, `${where}.input[1]`);
  const D = p.node.directions.length;
  if (t.ints === null || t.dims.length !== 0 || !(t.ints[0]! >= -D && t.ints[0]! < D))
    throw new UnsupportedError(
      `${where}.input[1]`,
      `a scalar direction index below ${D}`,
      raw(`${TYPE_NAME[t.dataType]} [${t.dims.join(', ')}]`),
    );
  const select = (t.ints[0]! + D) % D;
  const axes = c.axes.filter((_, i) => i !== at);
  if (D === 1) return { kind: 'chain', chain: commit(c, 'concat', axes) };
  return { kind: 'chain', chain: { ...c, axes, pending: { ...p, select } } };
}

/**
 * The last step of a forward recurrent layer's every-step output (PyTorch's `output[:, -1]`) is its final state:
 * the same layer with returnSequences false. Not so for a reverse or bidirectional layer (the backward direction's
 * last step has read one input) or with sequence_lens (padded steps are zero), which are refused.
 */
function lastStep(c: Chain, at: number, where: string): Chain {
  const spec = c.layers[c.layers.length - 1];
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
    layers: [...c.layers.slice(0, -1), { ...spec, returnSequences: false }],
    axes: c.axes.filter((_, i) => i !== at),
    last: null,
  };
}

/** Slice keeping the last time step ([-1:] on the time axis); a Squeeze of that axis then completes it. */
function sliceLastStep(c: Chain, ins: (Value | undefined)[], attrs: Attributes, where: string, ctx: Context): Chain {
  const part = (k: number, name: string): number[] | undefined =>
    ctx.opset >= 10 ? (ins[k] === undefined ? undefined : intsOf(ins[k], `${where}.input ${name}`)) : attrs.ints(name);
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

/** The two directions of one bidirectional output, forward first, with the same axes. */
function directionPair(ins: (Value | undefined)[], where: string, op: string): [Chain, Chain] {
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
  return [a!, b!];
}

function add(ins: (Value | undefined)[], where: string): Chain {
  if (ins[1]?.kind === 'const') {
    const c = chainOf(ins[0], `${where}.input[0]`);
    const spec = c.layers[c.layers.length - 1];
    if (c.last !== 'matmul' || spec?.kind !== 'dense')
      throw new UnsupportedError(where, 'a bias Add right after a dense MatMul', raw('another position'));
    const t = ins[1].tensor;
    if (t.floats === null || size(t.dims) !== spec.outputSize || t.dims.slice(0, -1).some((d) => d !== 1) || t.dims.length === 0)
      throw new UnsupportedError(
        `${where}.input[1]`,
        `a float bias [${spec.outputSize}]`,
        raw(`${TYPE_NAME[t.dataType]} [${t.dims.join(', ')}]`),
      );
    return { ...c, layers: [...c.layers.slice(0, -1), { ...spec, bias: t.floats }], last: 'dense' };
  }
  const [a] = directionPair(ins, where, 'Add');
  return commit(a, 'sum', a.axes, 'sum');
}

function mul(ins: (Value | undefined)[], where: string): Chain {
  if (ins[1]?.kind === 'const') {
    const c = chainOf(ins[0], `${where}.input[0]`);
    const t = ins[1].tensor;
    const spec = c.layers[c.layers.length - 1];
    if (c.last !== 'sum' || spec?.kind !== 'recurrent' || t.floats === null || t.floats.length !== 1 || t.floats[0] !== 0.5)
      throw new UnsupportedError(where, 'a Mul by 0.5 of summed directions (merge mode average)', raw('another Mul by a constant'));
    return { ...c, layers: [...c.layers.slice(0, -1), { ...spec, mergeMode: 'average' }], last: null };
  }
  const [a] = directionPair(ins, where, 'Mul');
  return commit(a, 'mul', a.axes);
}

function denseOf(c: Chain, w: TensorValue, transposed: boolean, bias: Float64Array | null, where: string): Chain {
  const F = c.axes[c.axes.length - 1];
  if (w.floats === null || w.dims.length !== 2 || typeof F !== 'number' || w.dims[transposed ? 1 : 0] !== F || w.dims.includes(0))
    throw new UnsupportedError(
      `${where}.input[1]`,
      `float weights ${transposed ? `[out, ${F}]` : `[${F}, out]`} for the features axis`,
      raw(`${TYPE_NAME[w.dataType]} [${w.dims.join(', ')}]`),
    );
  const [rows, cols] = w.dims as [number, number];
  const outputSize = transposed ? rows : cols;
  let kernel = w.floats;
  if (transposed) {
    kernel = new Float64Array(rows * cols);
    for (let o = 0; o < rows; o++) for (let i = 0; i < cols; i++) kernel[i * rows + o] = w.floats[o * cols + i]!;
  }
  const spec: LayerSpec = { kind: 'dense', inputSize: F, outputSize, kernel, bias, activation: 'linear' };
  return { ...c, layers: [...c.layers, spec], axes: [...c.axes.slice(0, -1), outputSize], last: bias ? 'dense' : 'matmul' };
}

/** Gemm: a dense layer on [batch, features] (alpha = beta = 1, transA = 0). */
function gemm(input: Chain, ins: (Value | undefined)[], attrs: Attributes, where: string): Chain {
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
  const w = constOf(ins[1], `${where}.input[1]`);
  const out = denseOf(c, w, transB === 1, null, where);
  if (ins[2] === undefined) return out;
  return add(
    [
      { kind: 'chain', chain: out },
      { kind: 'const', tensor: constOf(ins[2], `${where}.input[2]`), name: '' },
    ],
    where,
  );
}

function denseActivation(c: Chain, op: string, attrs: Attributes, where: string): Chain {
  const spec = c.layers[c.layers.length - 1];
  if ((c.last !== 'matmul' && c.last !== 'dense') || spec?.kind !== 'dense' || spec.activation !== 'linear')
    throw new UnsupportedError(where, `${op} right after a dense layer (MatMul / Gemm, bias Add)`, raw('another position'));
  const activation = op === 'HardSigmoid' ? hardSigmoid(attrs.float('alpha') ?? 0.2, attrs.float('beta') ?? 0.5, where) : ELEMENTWISE[op]!;
  return { ...c, layers: [...c.layers.slice(0, -1), { ...spec, activation }], last: null };
}

/** ONNX HardSigmoid max(0, min(1, alpha·x + beta)) as rnn's hardSigmoid (0.2, 0.5) or hardSigmoid6 (1/6, 0.5). */
function hardSigmoid(alpha: number, beta: number, where: string): Activation {
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-7; // float32 attributes
  if (near(beta, 0.5) && near(alpha, 0.2)) return 'hardSigmoid';
  if (near(beta, 0.5) && near(alpha, 1 / 6)) return 'hardSigmoid6';
  throw new UnsupportedError(where, 'HardSigmoid with alpha 0.2 or 1/6 and beta 0.5', raw(`alpha ${alpha}, beta ${beta}`));
}

/** Reshape: drops a one-direction axis, or joins [..., 2, H] directions into [..., 2H] (concat merge). */
function reshape(c: Chain, shape: number[], attrs: Attributes, where: string): Chain {
  if ((attrs.int('allowzero') ?? 0) !== 0) throw new UnsupportedError(`${where}.attribute "allowzero"`, '0', attrs.int('allowzero'));
  const p = c.pending;
  const d = c.axes.indexOf('D');
  // Batch and time are dynamic: each must be copied (0, same position) or be the one inferred axis (-1).
  const fits = (axes: readonly Axis[]): boolean =>
    shape.length === axes.length &&
    shape.filter((s) => s === -1).length <= 1 &&
    shape.every((s, i) => s === -1 || (s === 0 && c.axes[i] === axes[i]) || s === axes[i]);
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

/** ONNX recurrent activation functions rnn has (alpha / beta from the attribute lists, in order). */
function cellActivation(name: string, take: () => [number | undefined, number | undefined], where: string): Activation {
  switch (name.toLowerCase()) {
    case 'tanh':
      return 'tanh';
    case 'sigmoid':
      return 'sigmoid';
    case 'relu':
      return 'relu';
    case 'hardsigmoid': {
      const [a, b] = take();
      return hardSigmoid(a ?? 0.2, b ?? 0.5, `${where}.attribute "activations"`);
    }
    case 'affine': {
      const [a, b] = take();
      if ((a ?? 1) === 1 && (b ?? 0) === 0) return 'linear';
      throw new UnsupportedError(
        `${where}.attribute "activations"`,
        'Affine with alpha 1 and beta 0 (linear)',
        raw(`alpha ${a}, beta ${b}`),
      );
    }
    default:
      throw new UnsupportedError(
        `${where}.attribute "activations"`,
        'Tanh, Sigmoid, Relu, HardSigmoid (alpha 0.2 or 1/6, beta 0.5) or Affine (1, 0)',
        name,
      );
  }
}

function recurrentNode(
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
      throw new CorruptModelError(
        `${where}.input ${what}`,
        `float [${dims.join(', ')}]`,
        `${TYPE_NAME[t.dataType]} [${t.dims.join(', ')}]`,
      );
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
  const base = { layers: x.layers, last: null, ids: false, softmax: null } as const;
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

function build(backend: Backend, specs: readonly LayerSpec[], options: OnnxImportOptions): Sequential {
  const layers: LayerDef[] = [];
  const weights: Record<string, Float64Array> = {};
  specs.forEach((s, i) => {
    if (s.kind === 'embedding') {
      layers.push(embedding({ vocabSize: s.vocabSize, embeddingSize: s.embeddingSize }));
      weights[`${i}.embeddings`] = s.table;
    } else if (s.kind === 'dense') {
      layers.push(dense({ inputSize: s.inputSize, outputSize: s.outputSize, activation: s.activation, useBias: s.bias !== null }));
      weights[`${i}.kernel`] = s.kernel;
      if (s.bias) weights[`${i}.bias`] = s.bias;
    } else {
      const dirs = s.node.directions;
      const put = (prefix: string, d: Direction) => {
        weights[`${prefix}.kernel`] = d.kernel;
        weights[`${prefix}.recurrentKernel`] = d.recurrentKernel;
        weights[`${prefix}.bias`] = d.bias;
        if (d.recurrentBias) weights[`${prefix}.recurrentBias`] = d.recurrentBias;
      };
      if (dirs.length === 1) {
        layers.push(recurrent({ cell: dirs[0]!.cell, returnSequences: s.returnSequences, reverse: s.node.reverse }));
        put(`${i}`, dirs[0]!);
      } else {
        layers.push(
          bidirectional({ cell: dirs[0]!.cell, backwardCell: dirs[1]!.cell, mergeMode: s.mergeMode, returnSequences: s.returnSequences }),
        );
        put(`${i}.forward`, dirs[0]!);
        put(`${i}.backward`, dirs[1]!);
      }
    }
  });
  const model = new Sequential(backend, {
    layers,
    loss: options.loss ?? softmaxCrossEntropy(),
    optimizer: options.optimizer ?? adam(),
    seed: options.seed ?? 0,
  });
  try {
    model.setWeights(weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
