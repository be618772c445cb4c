import {
  adam,
  cosineDecay,
  dense,
  gru,
  loadModelBytes,
  lstm,
  Rng,
  recurrent,
  Sequential,
  saveModelBytes,
  softmaxCrossEntropy,
  stackedRecurrent,
} from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { jsBackend } from './index.js';

const rng = new Rng(3);
const N = 48;
const data = {
  x: { data: Float32Array.from({ length: N * 10 * 3 }, () => rng.uniform(-1, 1)), shape: [N, 10, 3] },
  y: { data: Int32Array.from({ length: N }, () => rng.int(4)), shape: [N] },
};
const build = () =>
  new Sequential(jsBackend(), {
    layers: [
      ...stackedRecurrent({
        cell: (i) => lstm({ inputSize: i, hiddenSize: 8 }),
        inputSize: 3,
        numLayers: 2,
        dropoutBetween: 0.2,
        recurrentDropout: 0.1,
      }),
      dense({ inputSize: 8, outputSize: 4 }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.01, clipNorm: 1, schedule: cosineDecay({ totalSteps: 30 }) }),
    seed: 5,
  });

describe('training resumes exactly from a saved model (backend-js)', () => {
  it('trainStep: N steps, save, load into a fresh model, M more = N + M uninterrupted, bit for bit', () => {
    const batch = (i: number) => ({
      x: { data: data.x.data.slice(i * 8 * 30, (i + 1) * 8 * 30), shape: [8, 10, 3] },
      y: { data: data.y.data.slice(i * 8, (i + 1) * 8), shape: [8] },
    });
    const straight = build();
    const expected = Array.from({ length: 10 }, (_, i) => straight.trainStep(batch(i % 6)).loss);
    const first = build();
    const losses = Array.from({ length: 4 }, (_, i) => first.trainStep(batch(i % 6)).loss);
    const bytes = saveModelBytes(first);
    first.dispose();
    const resumed = loadModelBytes(jsBackend(), bytes);
    for (let i = 4; i < 10; i++) losses.push(resumed.trainStep(batch(i % 6)).loss);
    expect(losses).toEqual(expected);
    expect(resumed.getWeights()).toEqual(straight.getWeights());
    straight.dispose();
    resumed.dispose();
  });

  it('fit: 2 epochs, save, load, 2 more = 4 uninterrupted epochs (shuffling included)', async () => {
    const straight = build();
    const all = (await straight.fit(data, { epochs: 4, batchSize: 12 })).epochs.map((e) => e.loss);
    const first = build();
    const part = (await first.fit(data, { epochs: 2, batchSize: 12 })).epochs.map((e) => e.loss);
    const resumed = loadModelBytes(jsBackend(), saveModelBytes(first));
    part.push(...(await resumed.fit(data, { epochs: 2, batchSize: 12 })).epochs.map((e) => e.loss));
    expect(part).toEqual(all);
    [straight, first, resumed].forEach((m) => m.dispose());
  });

  it('a GRU model saved in float32 loads into a float64 backend with the same outputs (to float32 precision)', () => {
    const m = new Sequential(jsBackend(), {
      layers: [recurrent({ cell: gru({ inputSize: 3, hiddenSize: 5 }) }), dense({ inputSize: 5, outputSize: 4 })],
      loss: softmaxCrossEntropy(),
      optimizer: adam(),
    });
    const copy = loadModelBytes(jsBackend({ dtype: 'float64' }), saveModelBytes(m));
    const a = m.predict(data.x).data;
    const b = copy.predict(data.x).data;
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
    m.dispose();
    copy.dispose();
  });
});
