// Loading a TF.js / Keras layers model (model.json + weight shards) into an rnn Sequential.
import {
  type Backend,
  CorruptModelError,
  checks,
  describe,
  InvalidArgumentError,
  type Loss,
  meanSquaredError,
  type Optimizer,
  Sequential,
  ShapeError,
  sgd,
  UnsupportedError,
} from '@rnn/core';
import { isObject, type LayersModelJson, type WeightBytes } from './format.js';
import type { PaddingRule } from './padding.js';
import { planLayers } from './read-layers.js';
import { type KerasVersion, readTopology } from './topology.js';
import { checkManifest, type DecodedWeight, decodeWeights } from './weights.js';

export interface LayersModelSource {
  /** The model.json document, parsed or as text. */
  modelJson: LayersModelJson | string;
  /** The shard files' bytes in manifest order (one per path), or all of them concatenated. */
  weights: WeightBytes | readonly WeightBytes[];
}

export interface LoadLayersModelOptions {
  /** Default meanSquaredError(); model.json's training config is not used. */
  loss?: Loss;
  /** Default sgd(). */
  optimizer?: Optimizer;
  /** Seeds dropout and shuffling of the rnn model. Default 0. */
  seed?: number;
  /**
   * The Keras version whose `hard_sigmoid` the file uses (2: clip(0.2x + 0.5), as TF.js; 3: relu6(x + 3) / 6).
   * Default: read from model.json (`backend: "tensor_flow.js"` or keras_version 1.x/2.x/tfjs → 2, 3.x → 3).
   */
  kerasVersion?: KerasVersion;
  /**
   * A softmax on the last layer: 'reject' (default) throws an UnsupportedError; 'logits' drops it, so `predict`
   * returns logits (apply softmax yourself) and `softmaxCrossEntropy()` trains exactly as Keras's crossentropy.
   */
  softmax?: 'reject' | 'logits';
}

export interface LoadedLayersModel {
  model: Sequential;
  /** How the Keras model masked padding; pass `lengths: paddingLengths(x, padding)` to predict / fit. null: no masks. */
  padding: PaddingRule | null;
  /** Settings of the file that rnn does not apply (regularizers, constraints, unknown options, ...), one line each. */
  ignored: string[];
}

const MAX_JSON_CHARS = 64 * 1024 * 1024;

/** Builds an rnn Sequential on `backend` from a TF.js layers model; see the package README for the mapping. */
export function loadLayersModel(backend: Backend, source: LayersModelSource, options: LoadLayersModelOptions = {}): LoadedLayersModel {
  if (!isObject(source)) throw new InvalidArgumentError('source', 'a { modelJson, weights } object', source);
  const json = parseModelJson(source.modelJson);
  if (json.format !== undefined && json.format !== 'layers-model')
    throw new UnsupportedError('modelJson.format', '"layers-model" (a TF.js graph model has no layers to map)', json.format);
  if (json.modelTopology === undefined) throw new CorruptModelError('modelJson.modelTopology', 'the Keras topology', undefined);
  const topology = readTopology(json.modelTopology);
  const groups = checkManifest(json.weightsManifest);
  const weights = new WeightIndex(decodeWeights(groups, source.weights), topology.name);
  const softmax = options.softmax ?? 'reject';
  if (softmax !== 'reject' && softmax !== 'logits') throw new InvalidArgumentError('options.softmax', '"reject" or "logits"', softmax);
  if (options.kerasVersion !== undefined && options.kerasVersion !== 2 && options.kerasVersion !== 3)
    throw new InvalidArgumentError('options.kerasVersion', '2 or 3', options.kerasVersion);
  const plan = planLayers(topology, {
    kerasVersion: options.kerasVersion ?? topology.kerasVersion,
    softmax,
    weightShape: (name) => weights.peek(name)?.shape,
  });
  if (topology.hasTrainingConfig || json.trainingConfig != null)
    plan.ignored.push('training_config: not used (the loss and optimizer are load options)');

  // Every weight is matched and its shape checked before the model allocates anything.
  const values: Record<string, Float32Array> = {};
  for (const slot of plan.slots) {
    const w = weights.take(slot.name, slot.layer);
    if (w.shape.length !== slot.shape.length || w.shape.some((d, i) => d !== slot.shape[i]))
      throw new ShapeError(`weight "${w.name}" of layer "${slot.layer}"`, `shape ${checks.fmtShape(slot.shape)}`, checks.fmtShape(w.shape));
    const part = w.data.length / slot.params.length;
    slot.params.forEach((p, k) => {
      values[p] = w.data.subarray(k * part, (k + 1) * part);
    });
  }
  const unused = weights.unused();
  if (unused.length > 0)
    throw new CorruptModelError('weightsManifest', "only weights of the model's layers", `unexpected weight "${unused[0]}"`);

  const model = new Sequential(backend, {
    layers: plan.defs,
    loss: options.loss ?? meanSquaredError(),
    optimizer: options.optimizer ?? sgd(),
    seed: options.seed ?? 0,
  });
  try {
    for (const name of plan.zeros) values[name] = new Float32Array(model.params.find((p) => p.name === name)!.value.size);
    model.setWeights(values);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, padding: plan.padding, ignored: plan.ignored };
}

function parseModelJson(value: unknown): LayersModelJson {
  if (typeof value === 'string') {
    if (value.length > MAX_JSON_CHARS) throw new CorruptModelError('modelJson', `at most ${MAX_JSON_CHARS} characters`, `${value.length}`);
    try {
      value = JSON.parse(value);
    } catch (e) {
      throw new CorruptModelError('modelJson', 'valid JSON', (e as Error).message);
    }
  }
  if (!isObject(value)) throw new CorruptModelError('modelJson', 'a model.json object', describe(value));
  return value as LayersModelJson;
}

/**
 * Finds weights by the name TF.js gives them (`layer/kernel`, `bidirectional/forward_lstm/kernel`), also under the
 * longer names of Keras 2.3+ and Keras 3 that put the cell between (`lstm/lstm_cell/kernel`): the same rule as
 * tfjs-layers' own loader. Files converted with TF 2.16+ / Keras 3 may also start every name with the model's
 * own name (`sequential/lstm/lstm_cell/kernel`), which tfjs-layers cannot load ("Provided weight data has no
 * target variable"): names are also found without that prefix when it is the model's name.
 */
class WeightIndex {
  private readonly byName = new Map<string, DecodedWeight[]>();
  private readonly used = new Set<string>();

  constructor(
    private readonly weights: Map<string, DecodedWeight>,
    modelName: string | null,
  ) {
    for (const w of weights.values()) {
      const full = w.name.replace(/:0$/, '').split('/');
      const variants = modelName !== null && full.length >= 3 && full[0] === modelName ? [full, full.slice(1)] : [full];
      const names = new Set<string>();
      for (const tokens of variants) {
        names.add(tokens.join('/'));
        if (tokens.length >= 3) names.add([...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/'));
      }
      for (const n of names) this.byName.set(n, [...(this.byName.get(n) ?? []), w]);
    }
  }

  peek(name: string): DecodedWeight | undefined {
    return this.byName.get(name)?.[0];
  }

  take(name: string, layer: string): DecodedWeight {
    const found = this.byName.get(name) ?? [];
    // An exact name wins over a shortened one.
    const exact = found.filter((w) => w.name.replace(/:0$/, '') === name);
    const candidates = exact.length > 0 ? exact : found;
    if (candidates.length === 0) throw new CorruptModelError(`weightsManifest (layer "${layer}")`, `a weight "${name}"`, 'none');
    if (candidates.length > 1)
      throw new CorruptModelError(`weightsManifest (layer "${layer}")`, `one weight "${name}"`, candidates.map((w) => w.name).join(', '));
    const w = candidates[0]!;
    if (this.used.has(w.name)) throw new CorruptModelError(`weightsManifest (layer "${layer}")`, `a weight "${name}" used once`, w.name);
    this.used.add(w.name);
    return w;
  }

  unused(): string[] {
    return [...this.weights.keys()].filter((n) => !this.used.has(n));
  }
}
