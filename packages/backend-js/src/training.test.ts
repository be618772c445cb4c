// Training behaviour that needs real speed: the vanishing / exploding gradient problem, shown on float32.
import {
  adam,
  type Cell,
  dense,
  lstm,
  meanSquaredError,
  orthogonal,
  Rng,
  recurrent,
  Sequential,
  sgd,
  simpleRnn,
  softmaxCrossEntropy,
} from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { jsBackend } from './index.js';

describe('exploding gradients: clipping keeps training finite', () => {
  const T = 30;
  const batchOf = (rng: Rng) => ({
    x: { data: Array.from({ length: 16 * T * 4 }, () => rng.uniform(-1, 1)), shape: [16, T, 4] },
    y: { data: Array.from({ length: 16 }, () => rng.uniform(-1, 1)), shape: [16, 1] },
  });
  // A ReLU Elman network whose recurrent matrix has gain 1.5 (activations and gradients grow like 1.5^T),
  // trained by plain SGD with a large step: one steep gradient throws the weights off a cliff.
  const train = (clipNorm?: number) => {
    const model = new Sequential(jsBackend(), {
      layers: [
        recurrent({ cell: simpleRnn({ inputSize: 4, hiddenSize: 16, activation: 'relu', recurrentInitializer: orthogonal(1.5) }) }),
        dense({ inputSize: 16, outputSize: 1 }),
      ],
      loss: meanSquaredError(),
      optimizer: sgd({ lr: 0.2, clipNorm }),
      seed: 4,
    });
    const rng = new Rng(9);
    const losses: number[] = [];
    const norms: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = model.trainStep(batchOf(rng));
      losses.push(r.loss);
      norms.push(r.gradNorm);
    }
    model.dispose();
    return { losses, norms };
  };

  it('without clipping the loss overflows; with clipNorm 1 it stays finite and falls', () => {
    const plain = train();
    expect(plain.losses.some((l) => !Number.isFinite(l))).toBe(true);
    const clipped = train(1);
    expect(clipped.losses.every(Number.isFinite)).toBe(true);
    expect(clipped.norms.some((n) => n > 1)).toBe(true); // clipping was active
    expect(clipped.losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(clipped.losses[0]!);
  });
});

describe('long-range memory: LSTM solves what a simple RNN of the same size cannot', () => {
  // Recall task: a value in {-1, +1} at t = 0 (flagged on a second channel), then T - 1 steps of distractors
  // in [-3, 3] on the same channel; classify the first value at the end. Gates can shut the distractors out;
  // an Elman cell adds them into its state.
  const T = 35;
  const makeBatch = (rng: Rng, B: number) => {
    const x = new Float32Array(B * T * 2);
    const y = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      y[b] = rng.int(2);
      x[b * T * 2] = y[b] ? 1 : -1;
      x[b * T * 2 + 1] = 1;
      for (let t = 1; t < T; t++) x[(b * T + t) * 2] = rng.uniform(-3, 3);
    }
    return { x: { data: x, shape: [B, T, 2] }, y: { data: y, shape: [B] } };
  };
  const accuracy = (model: Sequential, batch: ReturnType<typeof makeBatch>) => {
    const p = model.predict(batch.x).data;
    let right = 0;
    for (let b = 0; b < batch.y.data.length; b++) right += Number((p[b * 2 + 1]! > p[b * 2]! ? 1 : 0) === batch.y.data[b]);
    return right / batch.y.data.length;
  };
  const trainOn = (cell: Cell, seed: number) => {
    const model = new Sequential(jsBackend(), {
      layers: [recurrent({ cell, recordGradNorms: true }), dense({ inputSize: 16, outputSize: 2 })],
      loss: softmaxCrossEntropy(),
      optimizer: adam({ lr: 0.01, clipNorm: 5 }),
      seed,
    });
    const rng = new Rng(seed + 10);
    for (let i = 0; i < 400; i++) model.trainStep(makeBatch(rng, 64));
    const acc = accuracy(model, makeBatch(new Rng(99), 1000));
    model.dispose();
    return acc;
  };

  for (const seed of [1, 2])
    it(`recalls a value ${T - 1} steps back (seed ${seed})`, () => {
      // forgetBias 3: the untrained LSTM keeps its cell state over the span, so the gradient reaches t = 0
      expect(trainOn(lstm({ inputSize: 2, hiddenSize: 16, forgetBias: 3 }), seed)).toBeGreaterThan(0.97);
      expect(trainOn(simpleRnn({ inputSize: 2, hiddenSize: 16 }), seed)).toBeLessThan(0.6);
    }, 120_000);
});

describe('per-timestep gradient norms make the vanishing gradient visible', () => {
  it('an Elman cell loses the gradient over 60 steps; an LSTM with a high forget bias keeps it', () => {
    const T = 60;
    const rng = new Rng(3);
    const batch = {
      x: { data: Array.from({ length: 8 * T * 4 }, () => rng.uniform(-1, 1)), shape: [8, T, 4] },
      y: { data: Array.from({ length: 8 }, () => rng.uniform(-1, 1)), shape: [8, 1] },
    };
    const firstOverLast = (cell: Cell) => {
      const model = new Sequential(jsBackend(), {
        layers: [recurrent({ cell, recordGradNorms: true }), dense({ inputSize: 16, outputSize: 1 })],
        loss: meanSquaredError(),
        optimizer: sgd(),
      });
      model.computeGradients(batch);
      const n = model.recurrentLayers[0]!.stepGradNorms!;
      model.dispose();
      return n[0]! / n[T - 1]!;
    };
    const rnn = firstOverLast(simpleRnn({ inputSize: 4, hiddenSize: 16, recurrentInitializer: orthogonal(0.5) }));
    const gated = firstOverLast(lstm({ inputSize: 4, hiddenSize: 16, forgetBias: 5 }));
    expect(rnn).toBeLessThan(1e-6);
    expect(gated).toBeGreaterThan(1e-2);
  });
});
