// pnpm --filter @rnn/interop example:keras [--epochs N] [--hidden N]: moves a sequence classifier between rnn and
// TF.js in both directions through model.json files. The task: tell which of three frequencies a noisy, randomly
// phased sine wave of 32 steps has.
//  1. rnn trains a GRU classifier, saves it as a TF.js layers model (with a softmax), TF.js loads the files and
//     predicts: same probabilities, same accuracy.
//  2. TF.js trains the same architecture (its defaults: hard_sigmoid gates), saves it; rnn loads the files,
//     predicts the same probabilities, and fine-tunes the model further.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsBackend } from '@rnn/backend-js';
import { adam, dense, gru, type HostTensor, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import * as tf from '@tensorflow/tfjs';
import { loadLayersModelFile, saveLayersModelFile } from '../node.js';
import type { LayersModelJson } from './index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const epochs = arg('epochs', 8);
const hidden = arg('hidden', 24);
const [T, classes] = [32, 3];
await tf.setBackend('cpu');

/** n noisy sines of 3 frequencies (1.5, 2.5, 3.5 cycles per sequence), random phase and amplitude. */
function dataset(n: number, seed: number): { x: HostTensor; y: HostTensor } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * T);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    const cycles = 1.5 + y[i]!;
    const phase = rng.uniform(0, 2 * Math.PI);
    const amplitude = rng.uniform(0.5, 1.5);
    for (let t = 0; t < T; t++) x[i * T + t] = amplitude * Math.sin((2 * Math.PI * cycles * t) / T + phase) + 0.4 * rng.normal();
  }
  return { x: { data: x, shape: [n, T, 1] }, y: { data: y, shape: [n] } };
}

const train = dataset(600, 1);
const test = dataset(300, 2);
const dir = mkdtempSync(join(tmpdir(), 'rnn-keras-example-'));
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const accuracy = (probabilities: ArrayLike<number>, labels: ArrayLike<number>) => {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c]! > probabilities[i * classes + best]!) best = c;
    correct += Number(best === labels[i]);
  }
  return (100 * correct) / labels.length;
};
const softmax = (logits: ArrayLike<number>) =>
  Float64Array.from(logits, (_, i) => {
    const row = Math.floor(i / classes) * classes;
    const max = Math.max(...Array.from({ length: classes }, (_, c) => logits[row + c]!));
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[row + c]! - max);
    return Math.exp(logits[i]! - max) / sum;
  });
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
const tfPredict = (m: tf.LayersModel) => tf.tidy(() => (m.predict(tf.tensor(test.x.data, [...test.x.shape])) as tf.Tensor).dataSync());
/** TF.js cannot read file:// without tfjs-node: read the files and hand them over from memory. */
const tfLoad = (modelJsonPath: string) => {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as LayersModelJson;
  const bytes = json.weightsManifest[0]!.paths.map((p) => readFileSync(join(modelJsonPath, '..', p)));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]!.weights as never,
      weightData: Buffer.concat(bytes).buffer,
    }),
  );
};

// 1. rnn -> TF.js
const model = new Sequential(jsBackend(), {
  layers: [
    recurrent({ cell: gru({ inputSize: 1, hiddenSize: hidden, resetAfter: false }) }),
    dense({ inputSize: hidden, outputSize: classes }),
  ],
  loss: softmaxCrossEntropy(),
  optimizer: adam({ lr: 0.01, clipNorm: 1 }),
  seed: 1,
});
const params = model.parameterCount;
let started = performance.now();
await model.fit(train, { epochs, batchSize: 32 });
console.log(
  `rnn: GRU(${hidden}) + dense, ${params} parameters, ${epochs} epochs on ${train.x.shape[0]} sequences in ${seconds(started)} s`,
);
const ours = softmax(model.predict(test.x).data);
const path = saveLayersModelFile(model, join(dir, 'from-rnn'), { softmax: true });
const tfModel = await tfLoad(path);
const theirs = tfPredict(tfModel);
console.log(
  `  exported to ${path} (${readFileSync(join(dir, 'from-rnn', 'group1-shard1of1.bin')).length} bytes of weights); test accuracy rnn ${accuracy(ours, test.y.data).toFixed(1)}%, TF.js ${accuracy(theirs, test.y.data).toFixed(1)}%, max |Δp| ${maxDiff(ours, theirs).toExponential(1)}`,
);
model.dispose();

// 2. TF.js -> rnn
const trained = tf.sequential({
  layers: [tf.layers.gru({ units: hidden, inputShape: [null, 1] }), tf.layers.dense({ units: classes, activation: 'softmax' })],
});
trained.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
started = performance.now();
await trained.fit(tf.tensor(train.x.data, [...train.x.shape]), tf.tensor(Float32Array.from(train.y.data), [train.y.shape[0]!, 1]), {
  epochs,
  batchSize: 32,
  verbose: 0,
});
console.log(`TF.js: GRU(${hidden}, hard_sigmoid gates) + dense softmax, ${epochs} epochs in ${seconds(started)} s (tfjs-backend-cpu)`);
const tfProbabilities = tfPredict(trained);
await trained.save(
  tf.io.withSaveHandler(async (a) => {
    mkdirSync(join(dir, 'from-tfjs'), { recursive: true });
    writeFileSync(join(dir, 'from-tfjs', 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
    const modelJson = {
      format: a.format,
      generatedBy: a.generatedBy,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    };
    writeFileSync(join(dir, 'from-tfjs', 'model.json'), JSON.stringify(modelJson));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
);
const loaded = loadLayersModelFile(jsBackend(), join(dir, 'from-tfjs', 'model.json'), {
  softmax: 'logits',
  loss: softmaxCrossEntropy(),
  optimizer: adam({ lr: 0.003, clipNorm: 1 }),
});
const mine = softmax(loaded.model.predict(test.x).data);
console.log(
  `  loaded into rnn (${loaded.model
    .layerConfigs()
    .map((c) => c.kind)
    .join(
      ' + ',
    )}, gates ${(loaded.model.layerConfigs()[0] as { cell: { recurrentActivation: string } }).cell.recurrentActivation}); test accuracy TF.js ${accuracy(tfProbabilities, test.y.data).toFixed(1)}%, rnn ${accuracy(mine, test.y.data).toFixed(1)}%, max |Δp| ${maxDiff(mine, tfProbabilities).toExponential(1)}`,
);
started = performance.now();
await loaded.model.fit(train, { epochs: 4, batchSize: 32 });
console.log(
  `  fine-tuned in rnn for 4 epochs (${seconds(started)} s): test accuracy ${accuracy(softmax(loaded.model.predict(test.x).data), test.y.data).toFixed(1)}%`,
);
loaded.model.dispose();
rmSync(dir, { recursive: true, force: true });
