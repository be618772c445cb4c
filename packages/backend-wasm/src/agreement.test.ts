// Full training steps of Sequential models agree with @rnn/backend-js (float32 both): losses, gradient norms,
// trained weights and predictions, to 1e-4. SGD with momentum rather than Adam, whose first steps move every
// weight by about ±lr whatever the gradient's size, so a 1e-9 gradient rounding differently would flip a step.
import { jsBackend } from '@rnn/backend-js';
import {
  type Backend,
  bidirectional,
  dense,
  embedding,
  gru,
  type LayerDef,
  type Loss,
  lstm,
  meanSquaredError,
  Rng,
  recurrent,
  Sequential,
  sgd,
  simpleRnn,
  softmaxCrossEntropy,
  stackedRecurrent,
} from '@rnn/core';
import { assertClose } from '@rnn/core/testing';
import { describe, it } from 'vitest';
import { wasmBackend } from './index.js';

const [B, T, I, H] = [5, 9, 6, 12];
const lengths = Int32Array.from([9, 3, 7, 1, 5]);

interface Case {
  name: string;
  layers: () => LayerDef[];
  loss?: () => Loss;
  tokens?: number;
  targetShape?: number[];
  lengths?: Int32Array;
}

const cases: Case[] = [
  {
    name: 'LSTM many-to-one',
    layers: () => [recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }) }), dense({ inputSize: H, outputSize: 2 })],
  },
  {
    name: 'LSTM hardSigmoid, padded lengths, many-to-many',
    layers: () => [
      recurrent({ cell: lstm({ inputSize: I, hiddenSize: H, recurrentActivation: 'hardSigmoid' }), returnSequences: true }),
      dense({ inputSize: H, outputSize: 2 }),
    ],
    targetShape: [B, T, 2],
    lengths,
  },
  {
    name: 'GRU reset-after',
    layers: () => [recurrent({ cell: gru({ inputSize: I, hiddenSize: H, resetAfter: true }) }), dense({ inputSize: H, outputSize: 2 })],
  },
  {
    name: 'GRU reset-before, padded lengths',
    layers: () => [recurrent({ cell: gru({ inputSize: I, hiddenSize: H, resetAfter: false }) }), dense({ inputSize: H, outputSize: 2 })],
    lengths,
  },
  {
    name: 'RNN tanh',
    layers: () => [recurrent({ cell: simpleRnn({ inputSize: I, hiddenSize: H }) }), dense({ inputSize: H, outputSize: 2 })],
  },
  {
    name: 'RNN relu, padded lengths',
    layers: () => [
      recurrent({ cell: simpleRnn({ inputSize: I, hiddenSize: H, activation: 'relu' }) }),
      dense({ inputSize: H, outputSize: 2 }),
    ],
    lengths,
  },
  {
    name: 'bidirectional LSTM (concat), padded lengths',
    layers: () => [bidirectional({ cell: lstm({ inputSize: I, hiddenSize: H }) }), dense({ inputSize: 2 * H, outputSize: 2 })],
    lengths,
  },
  {
    name: 'bidirectional GRU (sum) many-to-many over a stacked LSTM',
    layers: () => [
      ...stackedRecurrent({ cell: (inputSize) => lstm({ inputSize, hiddenSize: H }), inputSize: I, numLayers: 2, returnSequences: true }),
      bidirectional({ cell: gru({ inputSize: H, hiddenSize: H }), mergeMode: 'sum', returnSequences: true }),
      dense({ inputSize: H, outputSize: 2 }),
    ],
    targetShape: [B, T, 2],
  },
  {
    name: 'embedding + LSTM + softmax cross-entropy per step, padded with ignoreIndex',
    layers: () => [
      embedding({ vocabSize: 11, embeddingSize: I }),
      recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true }),
      dense({ inputSize: H, outputSize: 11 }),
    ],
    loss: () => softmaxCrossEntropy({ ignoreIndex: -100 }),
    tokens: 11,
    lengths,
  },
];

function batches(c: Case, n: number) {
  const rng = new Rng(11);
  return Array.from({ length: n }, () => {
    if (c.tokens) {
      const x = Array.from({ length: B * T }, () => rng.int(c.tokens!));
      const y = Array.from({ length: B * T }, (_, i) => (i % T < lengths[Math.floor(i / T)]! ? rng.int(c.tokens!) : -100));
      return { x: { data: x, shape: [B, T] }, y: { data: Int32Array.from(y), shape: [B, T] }, lengths: c.lengths };
    }
    const ts = c.targetShape ?? [B, 2];
    const size = ts.reduce((p, q) => p * q, 1);
    return {
      x: { data: Array.from({ length: B * T * I }, () => rng.uniform(-1, 1)), shape: [B, T, I] },
      y: { data: Array.from({ length: size }, () => rng.uniform(-1, 1)), shape: ts },
      lengths: c.lengths,
    };
  });
}

function train(backend: Backend, c: Case) {
  const model = new Sequential(backend, {
    layers: c.layers(),
    loss: c.loss?.() ?? meanSquaredError(),
    optimizer: sgd({ lr: 0.1, momentum: 0.9 }),
    seed: 3,
  });
  const data = batches(c, 4);
  const steps = data.map((batch) => model.trainStep(batch));
  const weights = model.getWeights();
  const prediction = Array.from(model.predict(data[0]!.x, { lengths: c.lengths }).data);
  model.dispose();
  return { steps, weights, prediction };
}

describe.each([
  ['default build', {}],
  ['plain SIMD', { relaxedSimd: false as const }],
])('training agrees with backend-js (%s)', (_label, options) => {
  for (const c of cases)
    it(c.name, async () => {
      const b = wasmBackend(options);
      await b.ready();
      const mine = train(b, c);
      const theirs = train(jsBackend(), c);
      const tol = 1e-4;
      assertClose(
        'losses',
        mine.steps.map((s) => s.loss),
        theirs.steps.map((s) => s.loss),
        tol,
      );
      assertClose(
        'gradient norms',
        mine.steps.map((s) => s.gradNorm),
        theirs.steps.map((s) => s.gradNorm),
        tol,
      );
      for (const [name, w] of Object.entries(theirs.weights)) assertClose(`weight ${name}`, mine.weights[name]!, w, tol);
      assertClose('prediction after training', mine.prediction, theirs.prediction, tol);
      if (b.stats().tensors !== 0) throw new Error(`leak: ${b.stats().tensors} tensors`);
      b.dispose();
    });
});
