// TF.js as the reference in the Keras-format tests: in-memory save and load, seeded weights, comparisons.
import { jsBackend } from '@rnn/backend-js';
import type { Backend, Rng } from '@rnn/core';
import * as tf from '@tensorflow/tfjs';
import type { LayersModelArtifacts, LayersModelJson } from './index.js';

await tf.setBackend('cpu');

export { tf };

export const backends: readonly [string, () => Backend][] = [
  ['float64', () => jsBackend({ dtype: 'float64' })],
  ['float32', () => jsBackend()],
];

function concat(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/** What `model.save()` would write: model.json and one weight file. */
export async function saveTfjs(model: tf.LayersModel): Promise<{ modelJson: LayersModelJson; weights: ArrayBuffer }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts!;
  return {
    modelJson: {
      format: a.format,
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy ?? null,
      modelTopology: a.modelTopology as Record<string, unknown>,
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs as never }],
    },
    weights: concat(a.weightData as ArrayBuffer | ArrayBuffer[]),
  };
}

/** Loads exported artifacts into TF.js (what tf.loadLayersModel does with the files). */
export function loadTfjs(artifacts: LayersModelArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: artifacts.modelJson.modelTopology,
      weightSpecs: artifacts.modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: concat(artifacts.weightData),
    }),
  );
}

/** Sets every weight to seeded uniform values in ±scale (TF.js initialisers are not seeded). */
export function randomizeTfjs(model: tf.LayersModel, rng: Rng, scale = 0.8): void {
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(
        Float32Array.from({ length: w.size }, () => rng.uniform(-scale, scale)),
        w.shape,
      ),
    ),
  );
}

export function randomData(rng: Rng, shape: readonly number[], lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi));
}

/** End-padded token ids in 1..vocab-1 with zeros after each sample's length. */
export function paddedTokens(rng: Rng, lengths: readonly number[], T: number, vocab: number): Float32Array {
  const x = new Float32Array(lengths.length * T);
  lengths.forEach((L, b) => {
    for (let t = 0; t < L; t++) x[b * T + t] = 1 + Math.floor(rng.next() * (vocab - 1));
  });
  return x;
}

export function predictTfjs(model: tf.LayersModel, data: Float32Array, shape: number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync() as Float32Array);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Softmax over the last axis of size n. */
export function softmaxRows(x: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / n; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) max = Math.max(max, x[r * n + j]!);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += out[r * n + j] = Math.exp(x[r * n + j]! - max);
    for (let j = 0; j < n; j++) out[r * n + j]! /= sum;
  }
  return out;
}
