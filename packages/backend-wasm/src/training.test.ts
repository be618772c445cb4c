// A model learns on this backend through the public Sequential API.
import { adam, dense, gru, lstm, meanSquaredError, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';

describe('training through Sequential', () => {
  it('an LSTM learns the running mean of its input (regression): the loss falls by 10x', async () => {
    const backend = wasmBackend();
    await backend.ready();
    const [B, T] = [32, 20];
    const model = new Sequential(backend, {
      layers: [recurrent({ cell: lstm({ inputSize: 1, hiddenSize: 32 }) }), dense({ inputSize: 32, outputSize: 1 })],
      loss: meanSquaredError(),
      optimizer: adam({ lr: 1e-2 }),
      seed: 1,
    });
    const rng = new Rng(5);
    const batch = () => {
      const x = Array.from({ length: B * T }, () => rng.uniform(-1, 1));
      const y = Array.from({ length: B }, (_, b) => x.slice(b * T, (b + 1) * T).reduce((p, q) => p + q, 0) / Math.sqrt(T));
      return { x: { data: x, shape: [B, T, 1] }, y: { data: y, shape: [B, 1] } };
    };
    const test = batch();
    const before = model.lossOn(test);
    for (let i = 0; i < 150; i++) model.trainStep(batch());
    const after = model.lossOn(test);
    expect(after).toBeLessThan(before / 10);
    model.dispose();
    expect(backend.stats().tensors).toBe(0);
  });

  it('a GRU classifier with fit(): loss falls and accuracy beats chance by far', async () => {
    const backend = wasmBackend({ relaxedSimd: false });
    await backend.ready();
    const [N, T] = [256, 12];
    const rng = new Rng(8);
    // class = whether the sequence's first value is above the mean of the rest
    const x = new Float32Array(N * T);
    const y = new Int32Array(N);
    for (let n = 0; n < N; n++) {
      let rest = 0;
      for (let t = 0; t < T; t++) {
        x[n * T + t] = rng.uniform(-1, 1);
        if (t > 0) rest += x[n * T + t]!;
      }
      y[n] = x[n * T]! > rest / (T - 1) ? 1 : 0;
    }
    const model = new Sequential(backend, {
      layers: [recurrent({ cell: gru({ inputSize: 1, hiddenSize: 24 }) }), dense({ inputSize: 24, outputSize: 2 })],
      loss: softmaxCrossEntropy(),
      optimizer: adam({ lr: 1e-2 }),
      seed: 2,
    });
    const data = { x: { data: x, shape: [N, T, 1] }, y: { data: y, shape: [N] } };
    const history = await model.fit(data, { epochs: 15, batchSize: 32 });
    const losses = history.epochs.map((e) => e.loss);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    const p = model.predict(data.x).data;
    let right = 0;
    for (let n = 0; n < N; n++) right += Number((p[n * 2 + 1]! > p[n * 2]! ? 1 : 0) === y[n]);
    expect(right / N).toBeGreaterThan(0.85);
    model.dispose();
  });
});
