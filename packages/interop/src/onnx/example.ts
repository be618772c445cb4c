// node dist/onnx/example.js [--epochs N] [--hidden N]: trains a token-sequence classifier in rnn (embedding →
// bidirectional GRU → dense), moves it through a PyTorch state_dict in a safetensors file into a second rnn
// model, exports it to ONNX, runs it in onnxruntime-node and imports it back, reporting accuracy, agreement and
// timings.
//
// The task: sequences of 4-24 tokens (end-padded with 0) contain the marker tokens 1, 2 and 3 among noise
// tokens; the label is the marker that occurs most often, so the model has to count along the sequence.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsBackend } from '@rnn/backend-js';
import { adam, bidirectional, dense, embedding, gru, Rng, Sequential, softmaxCrossEntropy } from '@rnn/core';
import * as ort from 'onnxruntime-node';
import { modelFromTorch, toTorchStateDict } from '../torch/index.js';
import { readSafetensorsFile, saveSafetensorsFile } from '../torch/node.js';
import { exportOnnxFile, importOnnxFile } from './node.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const [VOCAB, T, CLASSES] = [20, 24, 3];
const epochs = arg('epochs', 4);
const hidden = arg('hidden', 32);

function makeData(
  n: number,
  seed: number,
): { x: { data: Int32Array; shape: number[] }; y: { data: Int32Array; shape: number[] }; lengths: Int32Array } {
  const rng = new Rng(seed);
  const x = new Int32Array(n * T);
  const y = new Int32Array(n);
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; ) {
    const len = 4 + Math.floor(rng.next() * (T - 3));
    const counts = [0, 0, 0];
    for (let t = 0; t < len; t++) {
      const token = rng.next() < 0.45 ? 1 + Math.floor(rng.next() * 3) : 4 + Math.floor(rng.next() * (VOCAB - 4));
      if (token <= 3) counts[token - 1]!++;
      x[i * T + t] = token;
    }
    const top = Math.max(...counts);
    if (counts.filter((c) => c === top).length > 1) continue; // ties have no label: draw again
    x.fill(0, i * T + len, (i + 1) * T);
    y[i] = counts.indexOf(top);
    lengths[i] = len;
    i++;
  }
  return { x: { data: x, shape: [n, T] }, y: { data: y, shape: [n] }, lengths };
}

const accuracy = (scores: ArrayLike<number>, labels: Int32Array): number => {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = Array.from({ length: CLASSES }, (_, k) => scores[i * CLASSES + k]!);
    if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
  }
  return correct / labels.length;
};

const train = makeData(4000, 1);
const test = makeData(1000, 2);
const model = new Sequential(jsBackend(), {
  layers: [
    embedding({ vocabSize: VOCAB, embeddingSize: 16, paddingIndex: 0 }),
    bidirectional({ cell: gru({ inputSize: 16, hiddenSize: hidden }), mergeMode: 'concat' }),
    dense({ inputSize: 2 * hidden, outputSize: CLASSES }),
  ],
  loss: softmaxCrossEntropy(),
  optimizer: adam({ lr: 0.003, clipNorm: 1 }),
  seed: 1,
});
const params = model.parameterCount;
console.log(`model: embedding 20×16 → bidirectional GRU ${hidden} (concat) → dense ${CLASSES}; ${params} parameters`);
console.log(`data: ${train.y.shape[0]} training / ${test.y.shape[0]} test sequences of 4-${T} tokens; chance accuracy ≈ 1/3`);

let start = performance.now();
await model.fit(train, {
  epochs,
  batchSize: 32,
  onEpochEnd: (e) =>
    console.log(`epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}, test accuracy ${model.evaluate(test).accuracy!.toFixed(3)}`),
});
console.log(`training: ${((performance.now() - start) / 1000).toFixed(1)} s (jsBackend, one thread)`);

start = performance.now();
const reference = model.predict(test.x, { lengths: test.lengths });
const rnnMs = performance.now() - start;
console.log(`rnn predict: test accuracy ${accuracy(reference.data, test.y.data).toFixed(3)} (${rnnMs.toFixed(0)} ms for 1000 sequences)`);

const dir = mkdtempSync(join(tmpdir(), 'rnn-interop-example-'));
try {
  // rnn → PyTorch state_dict in a safetensors file → a second rnn model
  const names = { embedding: 'embed', rnn: 'gru', head: 'fc' };
  const stPath = join(dir, 'classifier.safetensors');
  saveSafetensorsFile(stPath, toTorchStateDict(model, names), { format: 'pt' });
  const { tensors } = readSafetensorsFile(stPath);
  console.log(`safetensors: ${statSync(stPath).size} bytes, tensors ${[...tensors.keys()].join(', ')}`);
  const reloaded = modelFromTorch(jsBackend(), tensors, { embedding: { module: 'embed', paddingIndex: 0 }, rnn: 'gru', head: 'fc' });
  const again = reloaded.predict(test.x, { lengths: test.lengths });
  const identical = again.data.every((v, i) => v === reference.data[i]);
  console.log(`reloaded from the state_dict: predictions ${identical ? 'bit-identical' : 'DIFFERENT'} to the original model`);
  reloaded.dispose();

  // ONNX, run by onnxruntime (CPU, one thread)
  const onnxPath = join(dir, 'classifier.onnx');
  exportOnnxFile(model, onnxPath, { softmax: true, sequenceLengths: true });
  const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: 1 });
  start = performance.now();
  const { y } = await session.run({
    x: new ort.Tensor(
      'int64',
      BigInt64Array.from(test.x.data, (v) => BigInt(v)),
      test.x.shape,
    ),
    sequence_lens: new ort.Tensor('int32', test.lengths, [test.lengths.length]),
  });
  const ortMs = performance.now() - start;
  const probabilities = y!.data as Float32Array;
  let maxDiff = 0;
  for (let i = 0; i < test.lengths.length; i++) {
    const row = Array.from({ length: CLASSES }, (_, k) => reference.data[i * CLASSES + k]!);
    const m = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - m), 0);
    row.forEach((v, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(Math.exp(v - m) / sum - probabilities[i * CLASSES + k]!));
    });
  }
  console.log(
    `onnxruntime: ${statSync(onnxPath).size} bytes, test accuracy ${accuracy(probabilities, test.y.data).toFixed(3)}, ` +
      `max |softmax(predict) − onnx| = ${maxDiff.toExponential(2)} (${ortMs.toFixed(0)} ms for 1000 sequences)`,
  );
  await session.release();

  // and back: the ONNX file imported as an rnn model (its final Softmax dropped: logits, like the original)
  const imported = importOnnxFile(jsBackend(), onnxPath, { softmax: 'logits' });
  const back = imported.model.predict(test.x, { lengths: test.lengths });
  const same = back.data.every((v, i) => v === reference.data[i]);
  console.log(`imported from ONNX: predictions ${same ? 'bit-identical' : 'DIFFERENT'} to the original model`);
  imported.model.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
  model.dispose();
}
