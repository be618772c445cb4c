// Action recognition on generated clips: per-frame features → LSTM → action, against a baseline that sees one
// frame (the last) through the same kind of classifier.
import { jsBackend } from '@rnn/backend-js';
import { adam, dense, lstm, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import { ACTIONS, type Clip, FEATURES, frameFeatures, generateClips } from './clips.js';

export interface VideoOptions {
  trainClips?: number;
  testClips?: number;
  frames?: number;
  size?: number;
  epochs?: number;
  hiddenSize?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface VideoResult {
  lstmAccuracy: number;
  lastFrameAccuracy: number;
  chance: number;
  confusion: number[][];
  seconds: number;
  parameters: number;
  train: Clip[];
}

function dataset(clips: readonly Clip[], size: number, frames: number, lastOnly: boolean) {
  const F = FEATURES;
  const x = new Float32Array(clips.length * (lastOnly ? 1 : frames) * F);
  clips.forEach((c, i) => {
    const f = frameFeatures(c, size, frames);
    if (lastOnly) x.set(f.subarray((frames - 1) * F), i * F);
    else x.set(f, i * frames * F);
  });
  const y = Int32Array.from(clips, (c) => c.action);
  return lastOnly
    ? { x: { data: x, shape: [clips.length, F] }, y: { data: y, shape: [clips.length] } }
    : { x: { data: x, shape: [clips.length, frames, F] }, y: { data: y, shape: [clips.length] } };
}

function accuracy(model: Sequential, data: ReturnType<typeof dataset>, confusion?: number[][]): number {
  const { data: logits } = model.predict(data.x);
  const C = ACTIONS.length;
  let right = 0;
  for (let i = 0; i < data.y.data.length; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (logits[i * C + c]! > logits[i * C + best]!) best = c;
    if (best === data.y.data[i]) right++;
    if (confusion) confusion[data.y.data[i]!]![best]!++;
  }
  return right / data.y.data.length;
}

export async function trainVideo(o: VideoOptions = {}): Promise<VideoResult> {
  const frames = o.frames ?? 12;
  const size = o.size ?? 24;
  const seed = o.seed ?? 1;
  const H = o.hiddenSize ?? 32;
  const epochs = o.epochs ?? 15;
  const started = performance.now();
  const train = generateClips(o.trainClips ?? 600, seed, { frames, size });
  const test = generateClips(o.testClips ?? 300, seed + 100, { frames, size });
  const backend = jsBackend();

  const model = new Sequential(backend, {
    layers: [recurrent({ cell: lstm({ inputSize: FEATURES, hiddenSize: H }) }), dense({ inputSize: H, outputSize: ACTIONS.length })],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.01, clipNorm: 1 }),
    seed,
  });
  const seqTrain = dataset(train, size, frames, false);
  await model.fit(seqTrain, {
    epochs,
    batchSize: 32,
    onEpochEnd: (e) => o.log?.(`epoch ${e.epoch + 1}/${epochs}  loss ${e.loss.toFixed(4)}`),
  });
  const confusion = ACTIONS.map(() => ACTIONS.map(() => 0));
  const lstmAccuracy = accuracy(model, dataset(test, size, frames, false), confusion);
  const parameters = model.parameterCount;
  model.dispose();

  // Baseline: a one-hidden-layer network of similar size on the last frame's features alone.
  const single = new Sequential(backend, {
    layers: [dense({ inputSize: FEATURES, outputSize: 64, activation: 'tanh' }), dense({ inputSize: 64, outputSize: ACTIONS.length })],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.01 }),
    seed,
  });
  await single.fit(dataset(train, size, frames, true), { epochs: epochs * 2, batchSize: 32 });
  const lastFrameAccuracy = accuracy(single, dataset(test, size, frames, true));
  single.dispose();

  return {
    lstmAccuracy,
    lastFrameAccuracy,
    chance: 1 / ACTIONS.length,
    confusion,
    seconds: (performance.now() - started) / 1000,
    parameters,
    train,
  };
}
