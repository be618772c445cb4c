// Builds an rnn model from a PyTorch state_dict. A state_dict stores tensors, not module configs, so a small
// architecture description names the modules; sizes, layer count, direction count, bias and the cell kind
// (from the gate count: weight_hh is [G·H, H] with G = 4 LSTM, 3 GRU, 1 RNN) come from the tensor shapes.
import {
  type Activation,
  adam,
  type Backend,
  bidirectional,
  checkOneOf,
  checkRange,
  dense,
  dropout,
  embedding,
  gru,
  InvalidArgumentError,
  type LayerDef,
  type Loss,
  lstm,
  MERGE_MODES,
  type MergeMode,
  type Optimizer,
  raw,
  recurrent,
  Sequential,
  ShapeError,
  simpleRnn,
  softmaxCrossEntropy,
  UnsupportedError,
} from '@rnn/core';
import type { CellKind } from './layers.js';
import type { TensorInput } from './safetensors.js';
import { loadTorchStateDict, type StateDictInput, type TorchModuleNames, torchKey } from './state-dict.js';

export interface TorchRnnSpec {
  /** Prefix of the nn.RNN / nn.LSTM / nn.GRU, e.g. 'lstm'. */
  module: string;
  /** Checked against the tensors when given. */
  kind?: CellKind;
  /** nn.RNN's nonlinearity, which the state_dict does not store. Default 'tanh'. */
  nonlinearity?: 'tanh' | 'relu';
  /**
   * true: every step of the last layer (PyTorch's `output`). Default false: the last layer's final state
   * (`h_n[-1]`, or `cat(h_n[-2], h_n[-1])` when bidirectional), the usual input of a classifier head.
   */
  returnSequences?: boolean;
  /** How the last layer's two directions are merged. Default 'concat' (PyTorch's layout). */
  mergeMode?: MergeMode;
  /** Dropout between layers (PyTorch's `dropout` argument; training only). Default 0. */
  dropout?: number;
}

export interface TorchLinearSpec {
  /** Prefix of the nn.Linear, e.g. 'fc'. */
  module: string;
  /** An activation applied after it (a separate module in PyTorch). Default 'linear'. */
  activation?: Activation;
}

export interface TorchArchitecture {
  /** The nn.Embedding in front (the model then reads token ids [batch, time]). */
  embedding?: string | { module: string; paddingIndex?: number };
  /** The recurrent module. */
  rnn: string | TorchRnnSpec;
  /** The nn.Linear modules after it, in order. */
  head?: string | TorchLinearSpec | readonly (string | TorchLinearSpec)[];
}

export interface TorchModelOptions {
  /** For further training. Default softmaxCrossEntropy(). */
  loss?: Loss;
  /** For further training. Default adam(). */
  optimizer?: Optimizer;
  seed?: number;
  /** Every tensor of the state dict must be used. Default true. */
  strict?: boolean;
}

const GATES_TO_KIND: Readonly<Record<number, CellKind>> = { 4: 'lstm', 3: 'gru', 1: 'rnn' };
const RNN_KEY = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(0|[1-9][0-9]*)(_reverse)?$/;

/** The layers that hold a state_dict of this architecture, and the module names to load it with. */
export function torchLayers(stateDict: StateDictInput, architecture: TorchArchitecture): { layers: LayerDef[]; names: TorchModuleNames } {
  if (typeof architecture !== 'object' || architecture === null)
    throw new InvalidArgumentError('architecture', 'an object { embedding?, rnn, head? }', architecture);
  const source = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict ?? {}));
  const shapeOf = (key: string, what: string): number[] => {
    const t = source.get(key) as TensorInput | undefined;
    if (t === undefined) throw new InvalidArgumentError(`stateDict["${key}"]`, `a tensor (${what})`, raw('no such key'));
    if (!Array.isArray(t.shape) || t.shape.length !== 2 || !t.shape.every((d) => Number.isInteger(d) && d > 0))
      throw new ShapeError(
        `stateDict["${key}"]`,
        `a matrix of positive sizes (${what})`,
        Array.isArray(t.shape) ? `[${t.shape.join(', ')}]` : t.shape,
      );
    return [...t.shape];
  };

  const spec: TorchRnnSpec = typeof architecture.rnn === 'string' ? { module: architecture.rnn } : architecture.rnn;
  if (typeof spec?.module !== 'string')
    throw new InvalidArgumentError('architecture.rnn', 'a module prefix or { module, ... }', architecture.rnn);
  const returnSequences = spec.returnSequences ?? false;
  if (typeof returnSequences !== 'boolean')
    throw new InvalidArgumentError('architecture.rnn.returnSequences', 'a boolean', returnSequences);
  const mergeMode = checkOneOf('architecture.rnn.mergeMode', spec.mergeMode ?? 'concat', MERGE_MODES);
  const between = checkRange('architecture.rnn.dropout', spec.dropout ?? 0, 0, 1, true);

  // Layer count and directions from the key names, sizes from the first layer's shapes.
  const prefix = spec.module ? `${spec.module}.` : '';
  let numLayers = 0;
  let reverse = false;
  for (const key of source.keys()) {
    const m = key.startsWith(prefix) ? RNN_KEY.exec(key.slice(prefix.length)) : null;
    if (!m) continue;
    if (m[1] === 'weight_hr')
      throw new UnsupportedError(`stateDict["${key}"]`, 'an LSTM without projections (proj_size=0)', raw('a projection weight'));
    numLayers = Math.max(numLayers, Number(m[2]) + 1);
    reverse ||= m[3] !== undefined;
  }
  const key = (name: string): string => torchKey(spec.module, name);
  const [GH, H] = shapeOf(key('weight_hh_l0'), `recurrent weights of module "${spec.module}"`) as [number, number];
  const kind = GATES_TO_KIND[GH / H];
  if (kind === undefined)
    throw new ShapeError(`stateDict["${key('weight_hh_l0')}"]`, '[G·H, H] with G = 4 (LSTM), 3 (GRU) or 1 (RNN)', `[${GH}, ${H}]`);
  if (spec.kind !== undefined && spec.kind !== kind)
    throw new InvalidArgumentError('architecture.rnn.kind', `"${kind}" (weight_hh_l0 is [${GH}, ${H}])`, spec.kind);
  if (spec.nonlinearity !== undefined && kind !== 'rnn')
    throw new InvalidArgumentError(
      'architecture.rnn.nonlinearity',
      `nothing for an ${kind.toUpperCase()} (only nn.RNN has one)`,
      spec.nonlinearity,
    );
  const nonlinearity = checkOneOf('architecture.rnn.nonlinearity', spec.nonlinearity ?? 'tanh', ['tanh', 'relu'] as const);
  const inputSize = shapeOf(key('weight_ih_l0'), `input weights of module "${spec.module}"`)[1]!;
  const D = reverse ? 2 : 1;

  const layers: LayerDef[] = [];
  const names: TorchModuleNames = { rnn: spec.module };
  if (architecture.embedding !== undefined) {
    const e = typeof architecture.embedding === 'string' ? { module: architecture.embedding } : architecture.embedding;
    if (typeof e?.module !== 'string')
      throw new InvalidArgumentError('architecture.embedding', 'a module prefix or { module, paddingIndex? }', architecture.embedding);
    const wKey = torchKey(e.module, 'weight');
    const [V, E] = shapeOf(wKey, 'nn.Embedding weight') as [number, number];
    if (E !== inputSize) throw new ShapeError(`stateDict["${wKey}"]`, `[${V}, ${inputSize}] (the RNN's input size)`, `[${V}, ${E}]`);
    layers.push(embedding({ vocabSize: V, embeddingSize: E, ...(e.paddingIndex === undefined ? {} : { paddingIndex: e.paddingIndex }) }));
    names.embedding = e.module;
  }

  const cellFor = (size: number) =>
    kind === 'lstm'
      ? lstm({ inputSize: size, hiddenSize: H })
      : kind === 'gru'
        ? gru({ inputSize: size, hiddenSize: H, resetAfter: true })
        : simpleRnn({ inputSize: size, hiddenSize: H, activation: nonlinearity });
  for (let k = 0; k < numLayers; k++) {
    const last = k === numLayers - 1;
    const options = { cell: cellFor(k === 0 ? inputSize : D * H), returnSequences: last ? returnSequences : true };
    layers.push(D === 2 ? bidirectional({ ...options, mergeMode: last ? mergeMode : 'concat' }) : recurrent(options));
    if (!last && between > 0) layers.push(dropout({ rate: between }));
  }

  const heads = architecture.head === undefined ? [] : Array.isArray(architecture.head) ? architecture.head : [architecture.head];
  let features = D === 2 && mergeMode === 'concat' ? 2 * H : H;
  names.head = heads.map((h, i) => {
    const s: TorchLinearSpec = typeof h === 'string' ? { module: h } : h;
    if (typeof s?.module !== 'string')
      throw new InvalidArgumentError(`architecture.head[${i}]`, 'a module prefix or { module, activation? }', h);
    const wKey = torchKey(s.module, 'weight');
    const [O, I] = shapeOf(wKey, 'nn.Linear weight') as [number, number];
    if (I !== features)
      throw new ShapeError(`stateDict["${wKey}"]`, `[out, ${features}] (the features reaching this nn.Linear)`, `[${O}, ${I}]`);
    layers.push(
      dense({
        inputSize: I,
        outputSize: O,
        useBias: source.has(torchKey(s.module, 'bias')),
        ...(s.activation ? { activation: s.activation } : {}),
      }),
    );
    features = O;
    return s.module;
  });
  return { layers, names };
}

/** An rnn model holding a PyTorch state_dict (e.g. readSafetensors(bytes).tensors) of the described architecture. */
export function modelFromTorch(
  backend: Backend,
  stateDict: StateDictInput,
  architecture: TorchArchitecture,
  options: TorchModelOptions = {},
): Sequential {
  const { layers, names } = torchLayers(stateDict, architecture);
  const model = new Sequential(backend, {
    layers,
    loss: options.loss ?? softmaxCrossEntropy(),
    optimizer: options.optimizer ?? adam(),
    seed: options.seed ?? 0,
  });
  try {
    loadTorchStateDict(model, stateDict, names, { strict: options.strict ?? true });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
