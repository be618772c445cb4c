// Keras layers -> rnn layers. Each supported layer becomes an rnn LayerDef plus the Keras weights it needs
// (their TF.js names and shapes) and the rnn parameters they fill. Every option either maps exactly, is
// rejected with an UnsupportedError naming the layer and option, or (when it has no effect on the outputs:
// regularizers, constraints, initialisers, `unroll`) is ignored and listed in `ignored`.
//
// Weight layouts need no conversion: Keras kernels are [in, G·H] ("cols-out"), recurrent kernels [H, G·H],
// gate blocks LSTM i,f,c,o and GRU z,r,h, exactly rnn's layouts and gate orders. The only reshaping is the
// reset-after GRU bias [2, 3H], whose rows are rnn's `bias` and `recurrentBias`.
import {
  type Activation,
  bidirectional,
  type Cell,
  CorruptModelError,
  type DenseOptions,
  dense,
  dropout,
  embedding,
  gru,
  type LayerDef,
  lstm,
  type MergeMode,
  raw,
  recurrent,
  simpleRnn,
  UnsupportedError,
} from '@rnn/core';
import { boolean, finiteNumber, isObject, type Json, object, positiveInt, string } from './format.js';
import type { PaddingRule } from './padding.js';
import type { KerasLayer, KerasVersion, Topology } from './topology.js';

/** A Keras weight (by its canonical TF.js name) and the rnn parameters its rows fill, in order. */
export interface WeightSlot {
  name: string;
  /** Keras layer name, for messages. */
  layer: string;
  shape: number[];
  params: string[];
}

export interface LayerPlan {
  defs: LayerDef[];
  slots: WeightSlot[];
  /** rnn parameters with no Keras weight (use_bias: false): zeros. */
  zeros: string[];
  padding: PaddingRule | null;
  ignored: string[];
}

export interface PlanOptions {
  kerasVersion: KerasVersion | null;
  softmax: 'reject' | 'logits';
  /** Shape of a weight in the file, by canonical name (to tell a GRU's reset_after when the config omits it). */
  weightShape(name: string): number[] | undefined;
}

export const SUPPORTED_LAYERS = [
  'InputLayer',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'Embedding',
  'Dense',
  'TimeDistributed',
  'Dropout',
  'Masking',
  'Activation',
];
const RECURRENT = ['SimpleRNN', 'LSTM', 'GRU'];
const MERGE: Readonly<Record<string, MergeMode>> = { concat: 'concat', sum: 'sum', mul: 'mul', ave: 'average' };

/** Options that never change outputs or that only describe the file; read without a note. */
const COMMON = ['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'input_dtype', 'build_config', 'batch_size'];
const INITIALISERS = ['kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'embeddings_initializer', 'unit_forget_bias'];
const TRAINING_ONLY = [
  'kernel_regularizer',
  'recurrent_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'embeddings_regularizer',
  'kernel_constraint',
  'recurrent_constraint',
  'bias_constraint',
  'embeddings_constraint',
];
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  recurrent: [
    'units',
    'activation',
    'recurrent_activation',
    'use_bias',
    'dropout',
    'recurrent_dropout',
    'reset_after',
    'return_sequences',
    'return_state',
    'go_backwards',
    'stateful',
    'time_major',
    'zero_output_for_mask',
    'unroll',
    'implementation',
    'seed',
    'use_cudnn',
  ],
  Bidirectional: ['layer', 'merge_mode', 'backward_layer'],
  TimeDistributed: ['layer'],
  Dense: ['units', 'activation', 'use_bias', 'lora_rank', 'lora_alpha', 'quantization_config'],
  Embedding: ['input_dim', 'output_dim', 'mask_zero', 'input_length', 'sparse', 'lora_rank', 'lora_alpha', 'quantization_config'],
  Dropout: ['rate', 'noise_shape', 'seed'],
  Masking: ['mask_value'],
  Activation: ['activation'],
};

const label = (l: KerasLayer): string => `layer "${l.name}" (${l.className})`;

/** Maps the topology to rnn layers; shapes are tracked so every layer's input size is known. */
export function planLayers(topology: Topology, options: PlanOptions): LayerPlan {
  const plan: LayerPlan = { defs: [], slots: [], zeros: [], padding: null, ignored: [] };
  let shape = topology.inputShape;
  let lastDense: DenseSpec | null = null;
  topology.layers.forEach((layer, i) => {
    const last = i === topology.layers.length - 1;
    const index = String(plan.defs.length);
    noteIgnored(layer, plan.ignored);
    const c = layer.config;
    const denseBefore = lastDense;
    lastDense = null;
    switch (layer.className) {
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU': {
        const input = sequenceInput(layer, shape);
        const r = readRecurrent(layer, input, options, layer.name, index, plan);
        if (r.reverse && r.returnSequences)
          throw new UnsupportedError(
            `${label(layer)}.go_backwards`,
            'false when return_sequences is true (Keras then returns the outputs in reversed time order; use Bidirectional)',
            true,
          );
        const { cell, ...rest } = r;
        plan.defs.push(recurrent({ cell, ...rest }));
        shape = r.returnSequences ? [shape[0]!, shape[1]!, cell.hiddenSize] : [shape[0]!, cell.hiddenSize];
        return;
      }
      case 'Bidirectional': {
        const input = sequenceInput(layer, shape);
        const r = readBidirectional(layer, input, options, index, plan);
        plan.defs.push(r.def);
        shape = r.returnSequences ? [shape[0]!, shape[1]!, r.outputSize] : [shape[0]!, r.outputSize];
        return;
      }
      case 'Dense':
      case 'TimeDistributed': {
        const inner = layer.className === 'Dense' ? layer : innerDense(layer);
        if (inner !== layer) noteIgnored(inner, plan.ignored);
        if (layer.className === 'TimeDistributed' && shape.length !== 3)
          throw new UnsupportedError(`${label(layer)} input`, 'a sequence [batch, time, features]', raw(`rank ${shape.length}`));
        const inputSize = knownFeatures(layer, shape);
        const d = readDense(inner, inputSize, last, options, layer.name, index, plan);
        lastDense = d;
        plan.defs.push(denseDef(d));
        shape = [...shape.slice(0, -1), d.outputSize];
        return;
      }
      case 'Embedding': {
        if (shape.length !== 2) throw new UnsupportedError(`${label(layer)} input`, 'token ids [batch, time]', raw(`rank ${shape.length}`));
        const vocabSize = positiveInt(c.input_dim, `${label(layer)}.input_dim`);
        const embeddingSize = positiveInt(c.output_dim, `${label(layer)}.output_dim`);
        if (c.lora_rank != null) throw new UnsupportedError(`${label(layer)}.lora_rank`, 'null (no LoRA weights)', c.lora_rank);
        if (c.quantization_config != null) throw new UnsupportedError(`${label(layer)}.quantization_config`, 'null', c.quantization_config);
        const maskZero = boolean(c.mask_zero, `${label(layer)}.mask_zero`, false);
        if (maskZero) setPadding(plan, layer, { kind: 'maskZero' });
        plan.defs.push(embedding({ vocabSize, embeddingSize, ...(maskZero ? { paddingIndex: 0 } : {}) }));
        plan.slots.push({
          name: `${layer.name}/embeddings`,
          layer: layer.name,
          shape: [vocabSize, embeddingSize],
          params: [`${index}.embeddings`],
        });
        shape = [...shape, embeddingSize];
        return;
      }
      case 'Dropout': {
        if (c.noise_shape != null)
          throw new UnsupportedError(`${label(layer)}.noise_shape`, 'null (rnn drops each element independently)', c.noise_shape);
        plan.defs.push(dropout({ rate: rate(c.rate, `${label(layer)}.rate`) }));
        return;
      }
      case 'Masking': {
        if (plan.defs.length > 0 || shape.length !== 3)
          throw new UnsupportedError(
            label(layer),
            'the first layer, on [batch, time, features] inputs',
            raw(`a Masking layer at position ${i}`),
          );
        setPadding(plan, layer, { kind: 'maskValue', value: finiteNumber(c.mask_value, `${label(layer)}.mask_value`, 0) });
        return;
      }
      case 'Activation': {
        const a = readActivation(c.activation, `${label(layer)}.activation`, options, last, plan.ignored);
        if (a === 'linear') return;
        if (denseBefore?.activation !== 'linear')
          throw new UnsupportedError(label(layer), 'to follow a Dense layer without activation (rnn has no activation layer)', a);
        // Folded into the Dense layer before it (the def is rebuilt with the activation).
        denseBefore.activation = a;
        plan.defs[plan.defs.length - 1] = denseDef(denseBefore);
        return;
      }
      case 'InputLayer':
        throw new UnsupportedError(label(layer), 'an InputLayer only as the first layer', raw(`an InputLayer at position ${i}`));
      default:
        throw new UnsupportedError(`${layer.at}.class_name`, `one of ${SUPPORTED_LAYERS.join(', ')}`, layer.className);
    }
  });
  return plan;
}

type DenseSpec = Required<Pick<DenseOptions, 'inputSize' | 'outputSize' | 'activation' | 'useBias'>>;

const denseDef = (d: DenseSpec): LayerDef => dense({ ...d });

function setPadding(plan: LayerPlan, layer: KerasLayer, rule: PaddingRule): void {
  if (plan.padding)
    throw new UnsupportedError(label(layer), 'one source of masks (an Embedding with mask_zero or a Masking layer)', raw('two'));
  plan.padding = rule;
}

function sequenceInput(layer: KerasLayer, shape: readonly (number | null)[]): number {
  if (shape.length !== 3)
    throw new UnsupportedError(`${label(layer)} input`, 'a sequence [batch, time, features]', raw(`rank ${shape.length}`));
  return knownFeatures(layer, shape);
}

function knownFeatures(layer: KerasLayer, shape: readonly (number | null)[]): number {
  const f = shape[shape.length - 1];
  if (shape.length < 2 || typeof f !== 'number')
    throw new CorruptModelError(`${label(layer)} input shape`, 'a known feature size', `[${shape.join(', ')}]`);
  return f;
}

function innerDense(layer: KerasLayer): KerasLayer {
  const inner = object(layer.config.layer, `${label(layer)}.layer`);
  const className = string(inner.class_name, `${label(layer)}.layer.class_name`);
  if (className !== 'Dense') throw new UnsupportedError(`${label(layer)}.layer`, 'a Dense layer', className);
  const config = object(inner.config, `${label(layer)}.layer.config`);
  return {
    className,
    name: typeof config.name === 'string' ? config.name : `${layer.name}.layer`,
    config,
    at: `${layer.at}.config.layer`,
    inbound: undefined,
  };
}

function readDense(
  layer: KerasLayer,
  inputSize: number,
  last: boolean,
  options: PlanOptions,
  weightLayer: string,
  index: string,
  plan: LayerPlan,
): DenseSpec {
  const c = layer.config;
  const outputSize = positiveInt(c.units, `${label(layer)}.units`);
  if (c.lora_rank != null) throw new UnsupportedError(`${label(layer)}.lora_rank`, 'null (no LoRA weights)', c.lora_rank);
  if (c.quantization_config != null) throw new UnsupportedError(`${label(layer)}.quantization_config`, 'null', c.quantization_config);
  const activation = readActivation(c.activation, `${label(layer)}.activation`, options, last, plan.ignored);
  const useBias = boolean(c.use_bias, `${label(layer)}.use_bias`, true);
  plan.slots.push({ name: `${weightLayer}/kernel`, layer: weightLayer, shape: [inputSize, outputSize], params: [`${index}.kernel`] });
  if (useBias) plan.slots.push({ name: `${weightLayer}/bias`, layer: weightLayer, shape: [outputSize], params: [`${index}.bias`] });
  return { inputSize, outputSize, activation, useBias };
}

/**
 * Keras activation names -> rnn activations. `hard_sigmoid` is clip(0.2x + 0.5) in Keras 2 and TF.js but
 * relu6(x + 3) / 6 in Keras 3, so the file's Keras version decides. A final softmax becomes logits on request.
 */
function readActivation(value: unknown, argument: string, options: PlanOptions, last: boolean, notes: string[] = []): Activation {
  if (value === undefined || value === null || value === 'linear') return 'linear';
  if (value === 'tanh' || value === 'sigmoid' || value === 'relu') return value;
  if (value === 'hard_sigmoid') {
    if (options.kerasVersion === null)
      throw new UnsupportedError(
        argument,
        'a file whose keras_version or backend tells the hard_sigmoid definition (or the kerasVersion load option)',
        raw('hard_sigmoid in a file without either'),
      );
    return options.kerasVersion === 2 ? 'hardSigmoid' : 'hardSigmoid6';
  }
  if (value === 'softmax') {
    if (!last) throw new UnsupportedError(argument, 'softmax only on the last layer', value);
    if (options.softmax === 'logits') {
      notes.push(`${argument}: softmax dropped, predict returns logits (train with softmaxCrossEntropy)`);
      return 'linear';
    }
    throw new UnsupportedError(argument, 'an rnn activation; for a final softmax load with { softmax: "logits" }', value);
  }
  throw new UnsupportedError(argument, 'one of "linear", "tanh", "sigmoid", "relu", "hard_sigmoid" (or a final "softmax")', value);
}

function rate(value: unknown, argument: string): number {
  const r = finiteNumber(value, argument, 0);
  if (r < 0 || r >= 1) throw new UnsupportedError(argument, 'a rate in [0, 1)', r);
  return r;
}

interface RecurrentSpec {
  cell: Cell;
  returnSequences: boolean;
  reverse: boolean;
  stateful: boolean;
  dropout: number;
  recurrentDropout: number;
}

/** One SimpleRNN / LSTM / GRU; its weights are `${weightLayer}/kernel` etc., its rnn parameters `${prefix}.kernel` etc. */
function readRecurrent(
  layer: KerasLayer,
  inputSize: number,
  options: PlanOptions,
  weightLayer: string,
  prefix: string,
  plan: LayerPlan,
): RecurrentSpec {
  const c = layer.config;
  const at = label(layer);
  const hiddenSize = positiveInt(c.units, `${at}.units`);
  if (boolean(c.return_state, `${at}.return_state`, false))
    throw new UnsupportedError(`${at}.return_state`, 'false (an rnn Sequential layer has one output)', true);
  if (boolean(c.time_major, `${at}.time_major`, false)) throw new UnsupportedError(`${at}.time_major`, 'false (batch-major inputs)', true);
  const useBias = boolean(c.use_bias, `${at}.use_bias`, true);
  const activation = readActivation(c.activation === undefined ? 'tanh' : c.activation, `${at}.activation`, options, false);
  let cell: Cell;
  let biasParams = [`${prefix}.bias`];
  let biasShape: number[];
  if (layer.className === 'SimpleRNN') {
    if (activation !== 'tanh' && activation !== 'relu') throw new UnsupportedError(`${at}.activation`, '"tanh" or "relu"', c.activation);
    cell = simpleRnn({ inputSize, hiddenSize, activation });
    biasShape = [hiddenSize];
  } else {
    // The default gate activation differs (Keras sigmoid, TF.js and Keras 2.2 hard_sigmoid); files always state it.
    if (c.recurrent_activation === undefined)
      throw new CorruptModelError(
        `${at}.recurrent_activation`,
        'the gate activation (its default differs between Keras and TF.js)',
        undefined,
      );
    const recurrentActivation = readActivation(c.recurrent_activation, `${at}.recurrent_activation`, options, false);
    if (layer.className === 'LSTM') {
      cell = lstm({ inputSize, hiddenSize, activation, recurrentActivation });
      biasShape = [4 * hiddenSize];
    } else {
      // Keras 3 and tf.keras 2 default to reset_after = true, TF.js to false; an old file may omit it: the bias tells.
      const stored = options.weightShape(`${weightLayer}/bias`);
      const resetAfter = boolean(c.reset_after, `${at}.reset_after`, stored?.length === 2);
      cell = gru({ inputSize, hiddenSize, activation, recurrentActivation, resetAfter });
      biasShape = resetAfter ? [2, 3 * hiddenSize] : [3 * hiddenSize];
      if (resetAfter) biasParams = [`${prefix}.bias`, `${prefix}.recurrentBias`];
    }
  }
  const G = cell.gateLayout.length;
  plan.slots.push(
    { name: `${weightLayer}/kernel`, layer: weightLayer, shape: [inputSize, G * hiddenSize], params: [`${prefix}.kernel`] },
    {
      name: `${weightLayer}/recurrent_kernel`,
      layer: weightLayer,
      shape: [hiddenSize, G * hiddenSize],
      params: [`${prefix}.recurrentKernel`],
    },
  );
  if (useBias) plan.slots.push({ name: `${weightLayer}/bias`, layer: weightLayer, shape: biasShape, params: biasParams });
  else plan.zeros.push(...biasParams);
  const returnSequences = boolean(c.return_sequences, `${at}.return_sequences`, false);
  if (plan.padding && returnSequences && c.zero_output_for_mask !== true)
    plan.ignored.push(`${at}: at padded steps Keras repeats the last valid output where rnn outputs zeros (valid steps agree)`);
  return {
    cell,
    returnSequences,
    reverse: boolean(c.go_backwards, `${at}.go_backwards`, false),
    stateful: boolean(c.stateful, `${at}.stateful`, false),
    dropout: rate(c.dropout, `${at}.dropout`),
    recurrentDropout: rate(c.recurrent_dropout, `${at}.recurrent_dropout`),
  };
}

function readBidirectional(
  layer: KerasLayer,
  inputSize: number,
  options: PlanOptions,
  index: string,
  plan: LayerPlan,
): { def: LayerDef; returnSequences: boolean; outputSize: number } {
  const c = layer.config;
  const at = label(layer);
  const wrapped = (v: unknown, key: string): KerasLayer => {
    const o = object(v, `${at}.${key}`);
    const className = string(o.class_name, `${at}.${key}.class_name`);
    if (!RECURRENT.includes(className)) throw new UnsupportedError(`${at}.${key}`, 'a SimpleRNN, LSTM or GRU layer', className);
    const config = object(o.config, `${at}.${key}.config`);
    const name = string(config.name, `${at}.${key}.config.name`);
    noteIgnored({ className, name, config, at: `${layer.at}.config.${key}`, inbound: undefined }, plan.ignored);
    return { className, name, config, at: `${layer.at}.config.${key}`, inbound: undefined };
  };
  const inner = wrapped(c.layer, 'layer');
  const backwardLayer = c.backward_layer == null ? null : wrapped(c.backward_layer, 'backward_layer');
  const mode = c.merge_mode === undefined ? 'concat' : c.merge_mode;
  const mergeMode = typeof mode === 'string' ? MERGE[mode] : undefined;
  if (!mergeMode) throw new UnsupportedError(`${at}.merge_mode`, '"concat", "sum", "mul" or "ave" (one merged output)', mode);
  // TF.js and Keras name the directions forward_<layer> and backward_<layer> (Keras 3 stores them so named).
  const base = inner.name.replace(/^forward_/, '');
  const forwardName = `${layer.name}/forward_${base}`;
  const backwardName = `${layer.name}/${backwardLayer ? backwardLayer.name : `backward_${base}`}`;
  const fwd = readRecurrent(inner, inputSize, options, forwardName, `${index}.forward`, plan);
  const bwd = readRecurrent(backwardLayer ?? inner, inputSize, options, backwardName, `${index}.backward`, plan);
  if (fwd.reverse) throw new UnsupportedError(`${at}.layer.go_backwards`, 'false', true);
  if (backwardLayer && !bwd.reverse) throw new UnsupportedError(`${at}.backward_layer.go_backwards`, 'true', false);
  if (fwd.stateful || bwd.stateful)
    throw new UnsupportedError(`${at}.layer.stateful`, 'false (rnn bidirectional layers are not stateful)', true);
  if (backwardLayer && (inner.className !== backwardLayer.className || bwd.returnSequences !== fwd.returnSequences))
    throw new UnsupportedError(
      `${at}.backward_layer`,
      `a ${inner.className} with the forward layer's return_sequences`,
      backwardLayer.className,
    );
  if (bwd.dropout !== fwd.dropout || bwd.recurrentDropout !== fwd.recurrentDropout)
    throw new UnsupportedError(`${at}.backward_layer.dropout`, 'the forward layer`s dropout and recurrent_dropout', bwd.dropout);
  const hidden = fwd.cell.hiddenSize;
  if (bwd.cell.hiddenSize !== hidden)
    throw new UnsupportedError(`${at}.backward_layer.units`, `${hidden} (the forward layer's units)`, bwd.cell.hiddenSize);
  const def = bidirectional({
    cell: fwd.cell,
    backwardCell: bwd.cell,
    mergeMode,
    returnSequences: fwd.returnSequences,
    dropout: fwd.dropout,
    recurrentDropout: fwd.recurrentDropout,
  });
  return { def, returnSequences: fwd.returnSequences, outputSize: mergeMode === 'concat' ? 2 * hidden : hidden };
}

/** Lists options that do not change inference and that rnn will not apply in training, and unknown ones. */
function noteIgnored(layer: KerasLayer, ignored: string[]): void {
  const family = RECURRENT.includes(layer.className) ? 'recurrent' : layer.className;
  const known = KNOWN[family];
  if (!known) return;
  const c = layer.config;
  for (const [key, value] of Object.entries(c)) {
    if (COMMON.includes(key) || INITIALISERS.includes(key) || known.includes(key)) continue;
    if (TRAINING_ONLY.includes(key)) {
      if (value != null) ignored.push(`${label(layer)}.${key}: not applied by rnn (use the optimizer's weightDecay or clipping)`);
      continue;
    }
    ignored.push(`${label(layer)}.${key}: unknown option, ignored`);
  }
  if (c.trainable === false) ignored.push(`${label(layer)}.trainable: false is not kept (rnn trains every parameter)`);
  const dtype = isObject(c.dtype) && isObject(c.dtype.config) ? c.dtype.config.name : c.dtype;
  if (dtype != null && dtype !== 'float32')
    ignored.push(`${label(layer)}.dtype: ${JSON.stringify(dtype)} (rnn computes in its backend's dtype)`);
  if (family === 'Embedding' && c.sparse === true) ignored.push(`${label(layer)}.sparse: true (gradients are dense in rnn)`);
  if (family === 'recurrent' && c.use_bias === false)
    ignored.push(`${label(layer)}.use_bias: false (loaded as a zero bias, which rnn trains like any parameter)`);
}

export type { Json };
