// An rnn Sequential as a PyTorch state_dict and back. PyTorch modules map to rnn layers:
//   nn.Embedding  `<p>.weight` [V, E]                       ↔ embedding table [V, E]
//   nn.RNN / nn.LSTM / nn.GRU  `<p>.weight_ih_l{k}[_reverse]` [G·H, in], `weight_hh_…` [G·H, H],
//                              `bias_ih_…` [G·H], `bias_hh_…` [G·H]  ↔ recurrent / bidirectional layers k = 0, 1, …
//   nn.Linear     `<p>.weight` [out, in], `<p>.bias` [out]   ↔ dense kernel [in, out], bias [out]
// PyTorch is rows-out; rnn is cols-out. LSTM gate blocks are i, f, g, o in both; PyTorch's GRU stores r, z, n
// where rnn has z, r, n. PyTorch keeps two biases per gate: the rnn LSTM and RNN have one (their sum), the rnn
// GRU with resetAfter has both (bias ↔ bias_ih, recurrentBias ↔ bias_hh).
import {
  checkFinite,
  checkOneOf,
  InvalidArgumentError,
  type Layer,
  type Parameter,
  raw,
  type Sequential,
  ShapeError,
  UnsupportedError,
} from '@rnn/core';
import { blocksFromRnn, blocksToRnn, colsToRows, rowsToCols } from './gates.js';
import { type CellInfo, type CellKind, describeLayers, type LayerInfo, type RecurrentInfo } from './layers.js';
import type { StoredTensor, TensorInput } from './safetensors.js';

/** Module prefixes for a model laid out embedding? → recurrent layers → dense layers. */
export interface TorchModuleNames {
  /** The nn.Embedding, e.g. 'embed' for `embed.weight`. */
  embedding?: string;
  /** The one nn.RNN / nn.LSTM / nn.GRU holding every recurrent layer in order (`lstm.weight_ih_l0`, `_l1`, …). */
  rnn?: string;
  /** The nn.Linear after the recurrent layers; one prefix per dense layer, in order. */
  head?: string | readonly string[];
}

/**
 * Module prefixes: an object for the usual layout, or a function giving the prefix of each layer with
 * parameters. Consecutive recurrent layers with the same prefix form one multi-layer PyTorch module
 * (dropout layers between them are PyTorch's `dropout` argument). An empty prefix means top-level keys.
 */
export type TorchNaming = TorchModuleNames | ((layer: Layer, index: number) => string | null | undefined);

export interface TorchExportOptions {
  /** Element type of the tensors. Default 'F32' (PyTorch's default). */
  dtype?: 'F32' | 'F64';
  /** false writes recurrent modules as `bias=False` (no bias tensors); every recurrent bias must then be zero. Default true. */
  bias?: boolean;
}

export interface TorchLoadOptions {
  /** Every tensor of the state dict must be used (PyTorch's load_state_dict strict). Default true. */
  strict?: boolean;
}

/** A state dict to load: what readSafetensors returns, or any { shape, data } tensors by key. */
export type StateDictInput = ReadonlyMap<string, TensorInput> | Readonly<Record<string, TensorInput>>;

/** PyTorch's gate blocks as rnn blocks (see gates.ts). */
const TORCH_GATE_ORDER: Readonly<Record<CellKind, readonly number[]>> = { lstm: [0, 1, 2, 3], gru: [1, 0, 2], rnn: [0] };

type TorchModule =
  | { type: 'embedding'; prefix: string; info: Extract<LayerInfo, { kind: 'embedding' }> }
  | { type: 'linear'; prefix: string; info: Extract<LayerInfo, { kind: 'dense' }> }
  | { type: 'rnn'; prefix: string; mode: string; layers: RecurrentInfo[] };

export const torchKey = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/** The PyTorch modules of a model under a naming; throws if a module cannot be expressed in PyTorch. */
function torchModules(model: Sequential, names: TorchNaming): TorchModule[] {
  const infos = describeLayers(model);
  const prefixOf = typeof names === 'function' ? functionNaming(names) : objectNaming(infos, names);
  // Group the layers with parameters by prefix; consecutive recurrent layers may share one.
  const groups: { prefix: string; layers: LayerInfo[] }[] = [];
  const used = new Set<string>();
  for (const info of infos) {
    if (info.kind === 'dropout') continue;
    const prefix = prefixOf(info);
    const last = groups[groups.length - 1];
    if (info.kind === 'recurrent' && last?.prefix === prefix && last.layers[0]!.kind === 'recurrent') {
      last.layers.push(info);
      continue;
    }
    if (used.has(prefix)) throw new InvalidArgumentError(`names (layers[${info.index}])`, 'a prefix not used by another module', prefix);
    used.add(prefix);
    groups.push({ prefix, layers: [info] });
  }
  return groups.map(({ prefix, layers }): TorchModule => {
    const first = layers[0]!;
    if (first.kind === 'embedding') return { type: 'embedding', prefix, info: first };
    if (first.kind === 'dense') return { type: 'linear', prefix, info: first };
    const recurrent = layers as RecurrentInfo[];
    return { type: 'rnn', prefix, mode: checkRnnModule(recurrent), layers: recurrent };
  });
}

function functionNaming(names: (layer: Layer, index: number) => string | null | undefined): (info: LayerInfo) => string {
  return (info) => {
    const prefix = names(info.layer, info.index);
    if (typeof prefix !== 'string')
      throw new InvalidArgumentError(`names(layers[${info.index}])`, `a module prefix for this ${info.kind} layer`, prefix);
    return prefix;
  };
}

function objectNaming(infos: LayerInfo[], names: TorchModuleNames): (info: LayerInfo) => string {
  if (typeof names !== 'object' || names === null)
    throw new InvalidArgumentError('names', 'module prefixes { embedding, rnn, head } or a function (layer, index) => prefix', names);
  const dense = infos.filter((i) => i.kind === 'dense');
  const heads = names.head === undefined ? [] : typeof names.head === 'string' ? [names.head] : [...names.head];
  if (heads.length !== dense.length)
    throw new InvalidArgumentError('names.head', `${dense.length} module prefix(es), one per dense layer`, names.head);
  if (infos.filter((i) => i.kind === 'embedding').length > 1)
    throw new InvalidArgumentError('names', 'a naming function (the model has several embedding layers)', names);
  const recurrent = infos.filter((i) => i.kind === 'recurrent').map((i) => i.index);
  const between = infos.find(
    (i) => i.kind !== 'recurrent' && i.kind !== 'dropout' && i.index > recurrent[0]! && i.index < recurrent.at(-1)!,
  );
  if (between) throw new InvalidArgumentError('names', `a naming function (layers[${between.index}] sits between recurrent layers)`, names);
  const required = (argument: string, value: unknown, kind: string): string => {
    if (typeof value !== 'string') throw new InvalidArgumentError(argument, `a module prefix (the model has ${kind} layer)`, value);
    return value;
  };
  return (info) => {
    if (info.kind === 'embedding') return required('names.embedding', names.embedding, 'an embedding');
    if (info.kind === 'recurrent') return required('names.rnn', names.rnn, 'a recurrent');
    const k = dense.findIndex((d) => d.index === info.index);
    return required(`names.head[${k}]`, heads[k], 'a dense');
  };
}

/** The PyTorch mode of one direction's cell (as torch.onnx names them), or an UnsupportedError. */
function torchMode(cell: CellInfo, at: string): string {
  if (cell.kind === 'rnn') return cell.activation === 'relu' ? 'RNN_RELU' : 'RNN_TANH';
  if (cell.activation !== 'tanh')
    throw new UnsupportedError(`${at}.cell.activation`, `"tanh" (PyTorch ${cell.kind.toUpperCase()})`, cell.activation);
  if (cell.recurrentActivation !== 'sigmoid')
    throw new UnsupportedError(
      `${at}.cell.recurrentActivation`,
      `"sigmoid" (PyTorch ${cell.kind.toUpperCase()} gates)`,
      cell.recurrentActivation,
    );
  if (cell.kind === 'gru' && !cell.resetAfter)
    throw new UnsupportedError(
      `${at}.cell.resetAfter`,
      'true (PyTorch applies the reset gate after the recurrent matmul; a reset-before GRU has no PyTorch equivalent)',
      false,
    );
  return cell.kind.toUpperCase();
}

/** One PyTorch module: one mode, one hidden size, one direction count; layer k > 0 reads D·H features. */
function checkRnnModule(layers: RecurrentInfo[]): string {
  const first = layers[0]!;
  const D = first.directions.length;
  const H = first.directions[0]!.cell.hiddenSize;
  const mode = torchMode(first.directions[0]!.cell, `layers[${first.index}]`);
  layers.forEach((l, k) => {
    const at = `layers[${l.index}]`;
    if (l.reverse) throw new UnsupportedError(`${at}.reverse`, 'a forward or bidirectional layer (PyTorch has no reverse-only RNN)', true);
    if (l.directions.length !== D)
      throw new UnsupportedError(
        at,
        `${D === 2 ? 'a bidirectional' : 'a one-direction'} layer like the module's first`,
        raw(`${l.directions.length} directions`),
      );
    for (const d of l.directions) {
      const m = torchMode(d.cell, at);
      if (m !== mode) throw new UnsupportedError(at, `a ${mode} layer (one PyTorch module has one mode)`, m);
      if (d.cell.hiddenSize !== H)
        throw new UnsupportedError(`${at}.cell.hiddenSize`, `${H} (one hidden size per PyTorch module)`, d.cell.hiddenSize);
    }
    const prev = layers[k - 1];
    if (prev && l.directions[0]!.cell.inputSize !== D * H)
      throw new UnsupportedError(
        `layers[${prev.index}].mergeMode`,
        `"concat" (PyTorch feeds layer ${k} both directions concatenated, ${D * H} features)`,
        prev.mergeMode,
      );
  });
  return mode;
}

/** [rows, cols] row-major → [cols, rows]. */
function transpose(m: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

/** The model's weights as a PyTorch state_dict (ready for writeSafetensors). */
export function toTorchStateDict(model: Sequential, names: TorchNaming, options: TorchExportOptions = {}): Map<string, StoredTensor> {
  const dtype = checkOneOf('options.dtype', options.dtype ?? 'F32', ['F32', 'F64'] as const);
  const withBias = options.bias ?? true;
  if (typeof withBias !== 'boolean') throw new InvalidArgumentError('options.bias', 'a boolean', withBias);
  const out = new Map<string, StoredTensor>();
  const read = (p: Parameter): Float64Array => Float64Array.from(model.backend.read(p.value));
  const put = (key: string, shape: number[], values: ArrayLike<number>): void => {
    out.set(key, dtype === 'F32' ? { dtype, shape, data: Float32Array.from(values) } : { dtype, shape, data: Float64Array.from(values) });
  };
  for (const m of torchModules(model, names)) {
    const key = (name: string): string => torchKey(m.prefix, name);
    if (m.type === 'embedding') put(key('weight'), [m.info.vocabSize, m.info.embeddingSize], read(m.info.table));
    else if (m.type === 'linear') {
      const { inputSize, outputSize, kernel, bias } = m.info;
      put(key('weight'), [outputSize, inputSize], transpose(read(kernel), inputSize, outputSize));
      if (bias) put(key('bias'), [outputSize], read(bias));
    } else
      m.layers.forEach((layer, k) =>
        layer.directions.forEach(({ cell, params }, d) => {
          const suffix = `_l${k}${d ? '_reverse' : ''}`;
          const { kind, inputSize: I, hiddenSize: H } = cell;
          const order = TORCH_GATE_ORDER[kind];
          const GH = order.length * H;
          put(key(`weight_ih${suffix}`), [GH, I], colsToRows(read(params.kernel), I, H, order));
          put(key(`weight_hh${suffix}`), [GH, H], colsToRows(read(params.recurrentKernel), H, H, order));
          // LSTM and RNN have one bias: it goes to bias_ih, and bias_hh is zero (only the sum matters).
          const b = read(params.bias);
          const rb = params.recurrentBias ? read(params.recurrentBias) : new Float64Array(GH);
          if (!withBias) {
            if (b.some((v) => v !== 0) || rb.some((v) => v !== 0))
              throw new UnsupportedError(
                'options.bias',
                'zero recurrent biases (a bias=False module has none)',
                raw(`nonzero biases in layers[${layer.index}]`),
              );
            return;
          }
          put(key(`bias_ih${suffix}`), [GH], blocksFromRnn(b, H, order));
          put(key(`bias_hh${suffix}`), [GH], blocksFromRnn(rb, H, order));
        }),
      );
  }
  return out;
}

/**
 * Sets the model's weights from a PyTorch state_dict (e.g. readSafetensors(bytes).tensors). Every mapped
 * tensor must exist with the exact shape; recurrent modules saved with bias=False load with zero biases.
 * Nothing is written unless the whole state dict checks out.
 */
export function loadTorchStateDict(model: Sequential, stateDict: StateDictInput, names: TorchNaming, options: TorchLoadOptions = {}): void {
  const strict = options.strict ?? true;
  if (typeof strict !== 'boolean') throw new InvalidArgumentError('options.strict', 'a boolean', strict);
  const source = asMap(stateDict);
  const used = new Set<string>();
  const take = (key: string, shape: number[], what: string): Float64Array => {
    const t = source.get(key);
    const arg = `stateDict["${key}"]`;
    if (t === undefined) throw new InvalidArgumentError(arg, `a tensor of shape [${shape.join(', ')}] (${what})`, raw('no such key'));
    const s = t.shape;
    if (!Array.isArray(s) || s.length !== shape.length || s.some((d, i) => d !== shape[i]))
      throw new ShapeError(arg, `shape [${shape.join(', ')}] (${what})`, Array.isArray(s) ? `[${s.join(', ')}]` : s);
    if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array || typeof t.data?.length !== 'number')
      throw new InvalidArgumentError(`${arg}.data`, 'floating-point values', t.data);
    const n = shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new ShapeError(`${arg}.data`, `${n} values (shape [${shape.join(', ')}])`, `${t.data.length} values`);
    const v = Float64Array.from(t.data as ArrayLike<number>);
    checkFinite(arg, v);
    used.add(key);
    return v;
  };

  const weights: Record<string, Float64Array> = {};
  for (const m of torchModules(model, names)) {
    const key = (name: string): string => torchKey(m.prefix, name);
    if (m.type === 'embedding') {
      const { vocabSize: V, embeddingSize: E, table } = m.info;
      weights[table.name] = take(key('weight'), [V, E], `nn.Embedding(${V}, ${E}).weight`);
    } else if (m.type === 'linear') {
      const { inputSize: I, outputSize: O, kernel, bias } = m.info;
      weights[kernel.name] = transpose(take(key('weight'), [O, I], `nn.Linear(${I}, ${O}).weight`), O, I);
      if (bias) weights[bias.name] = take(key('bias'), [O], `nn.Linear(${I}, ${O}).bias`);
    } else {
      if (source.has(key('weight_hr_l0')))
        throw new UnsupportedError(
          `stateDict["${key('weight_hr_l0')}"]`,
          'an LSTM without projections (proj_size=0)',
          raw('a projection weight'),
        );
      const hasBias = source.has(key('bias_ih_l0'));
      m.layers.forEach((layer, k) =>
        layer.directions.forEach(({ cell, params }, d) => {
          const suffix = `_l${k}${d ? '_reverse' : ''}`;
          const { kind, inputSize: I, hiddenSize: H } = cell;
          const order = TORCH_GATE_ORDER[kind];
          const GH = order.length * H;
          const what = `${m.mode} layer ${k}${d ? ' reverse' : ''}`;
          weights[params.kernel.name] = rowsToCols(take(key(`weight_ih${suffix}`), [GH, I], `${what}, W_ih`), I, H, order);
          weights[params.recurrentKernel.name] = rowsToCols(take(key(`weight_hh${suffix}`), [GH, H], `${what}, W_hh`), H, H, order);
          const bi = hasBias ? take(key(`bias_ih${suffix}`), [GH], `${what}, b_ih`) : new Float64Array(GH);
          const bh = hasBias ? take(key(`bias_hh${suffix}`), [GH], `${what}, b_hh`) : new Float64Array(GH);
          if (params.recurrentBias) {
            weights[params.bias.name] = blocksToRnn(bi, H, order);
            weights[params.recurrentBias.name] = blocksToRnn(bh, H, order);
          } else
            weights[params.bias.name] = blocksToRnn(
              bi.map((v, i) => v + bh[i]!),
              H,
              order,
            );
        }),
      );
    }
  }
  if (strict) {
    const extra = [...source.keys()].filter((k) => !used.has(k));
    if (extra.length) throw new InvalidArgumentError('stateDict', 'only tensors of the mapped modules (strict: true)', extra);
  }
  model.setWeights(weights);
}

function asMap(stateDict: StateDictInput): ReadonlyMap<string, TensorInput> {
  if (stateDict instanceof Map) return stateDict;
  if (typeof stateDict !== 'object' || stateDict === null)
    throw new InvalidArgumentError('stateDict', 'a Map or object of tensors { shape, data }', stateDict);
  return new Map(Object.entries(stateDict));
}
