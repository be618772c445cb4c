// Exporting an rnn Sequential as a TF.js layers model: model.json and float32 weight shards.
import { checkPositiveInt, InvalidArgumentError, type Sequential } from '@rnn/core';
import type { LayersModelJson } from './format.js';
import { encodeWeights } from './weights.js';
import { inputShape, type LayersModelTarget, writeLayer } from './write-layers.js';

export type { LayersModelTarget };

export interface ToLayersModelOptions {
  /**
   * 'tfjs' (default): loadable by `tf.loadLayersModel` (TF.js 4.x). 'keras3': Keras 3 conventions, for GRUs with
   * resetAfter (rnn's default) and 'hardSigmoid6'; read back by `loadLayersModel`.
   */
  target?: LayersModelTarget;
  /** Put a softmax on the last layer (a Dense without activation), for a classifier trained on logits. Default false. */
  softmax?: boolean;
  /** An embedding with paddingIndex 0 gets mask_zero (Keras then skips token 0, as rnn does given lengths). Default true. */
  maskZero?: boolean;
  /** Largest shard file in bytes. Default 4 MiB, as TF.js. */
  shardSizeBytes?: number;
  /** The Keras model name. Default "sequential". */
  name?: string;
}

export interface LayersModelArtifacts {
  /** The model.json document. */
  modelJson: LayersModelJson;
  /** The shard files, in the order of `modelJson.weightsManifest[0].paths`. */
  weightData: ArrayBuffer[];
}

/** The dialect a file declares through keras_version (see loadLayersModel's kerasVersion). */
const KERAS_VERSION: Readonly<Record<LayersModelTarget, string>> = { tfjs: 'tfjs-layers 4.22.0', keras3: '3.0.0' };

/** Converts an rnn model to a TF.js layers model; see the package README for the mapping. */
export function toLayersModel(model: Sequential, options: ToLayersModelOptions = {}): LayersModelArtifacts {
  const target = options.target ?? 'tfjs';
  if (target !== 'tfjs' && target !== 'keras3') throw new InvalidArgumentError('options.target', '"tfjs" or "keras3"', target);
  const shardBytes = checkPositiveInt('options.shardSizeBytes', options.shardSizeBytes ?? 4 * 1024 * 1024);
  const configs = model.layerConfigs();
  const last = configs[configs.length - 1]!;
  if (options.softmax && (last.kind !== 'dense' || last.activation !== 'linear'))
    throw new InvalidArgumentError('options.softmax', 'a model whose last layer is a dense layer without activation', last.kind);
  const written = configs.map((c, i) =>
    writeLayer(c, i, { target, maskZero: options.maskZero ?? true, softmax: (options.softmax ?? false) && i === configs.length - 1 }),
  );

  const batchShape = inputShape(configs);
  const layers = written.map((w) => ({ class_name: w.className, config: w.config }));
  if (target === 'keras3')
    layers.unshift({ class_name: 'InputLayer', config: { name: 'input_layer', batch_shape: batchShape, dtype: 'float32', sparse: false } });
  else layers[0]!.config = { ...layers[0]!.config, batch_input_shape: batchShape, dtype: 'float32' };

  const values = model.getWeights();
  const tensors = written.flatMap((w) =>
    w.weights.map((s) => {
      const parts = s.params.map((p) => values[p]!);
      const data = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
      let offset = 0;
      for (const a of parts) {
        data.set(a, offset);
        offset += a.length;
      }
      return { name: s.name, shape: s.shape, data };
    }),
  );
  const { specs, shards } = encodeWeights(tensors, shardBytes);
  const modelJson: LayersModelJson = {
    format: 'layers-model',
    generatedBy: '@rnn/interop',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: options.name ?? 'sequential', layers },
      keras_version: KERAS_VERSION[target],
      ...(target === 'tfjs' ? { backend: 'tensor_flow.js' } : {}),
    },
    weightsManifest: [{ paths: shards.map((_, k) => `group1-shard${k + 1}of${shards.length}.bin`), weights: specs }],
  };
  return { modelJson, weightData: shards };
}
