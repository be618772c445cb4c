// Training equivalence: after loading a TF.js model, the loss and its gradients with respect to the input and to
// every weight agree between rnn (float64: model.computeGradients, and model.inputGradient for dL/dx) and
// TF.js's autodiff (tf.variableGrads / tf.grad) within 1e-4 relative.
import { meanSquaredError, Rng, softmaxCrossEntropy } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { loadLayersModel } from './index.js';
import { backends, maxAbsDiff, paddedTokens, randomData, randomizeTfjs, saveTfjs, tf } from './tfjs.test-helpers.js';

const [B, T, F, H] = [3, 5, 4, 3];
const seq = [null, F] as [null, number];

const relativeError = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  maxAbsDiff(a, b) / Math.max(maxAbsDiff(b, new Float64Array(b.length)), 1e-8);

interface Case {
  name: string;
  build(): tf.LayersModel;
  /** 'mse' on real targets shaped like the output, or 'crossentropy' on class labels of a softmax output. */
  loss: 'mse' | 'crossentropy';
  tokens?: number;
}

const cases: Case[] = [
  {
    name: 'LSTM -> Dense, MSE',
    build: () =>
      tf.sequential({
        layers: [tf.layers.lstm({ units: H, recurrentActivation: 'sigmoid', inputShape: seq }), tf.layers.dense({ units: 2 })],
      }),
    loss: 'mse',
  },
  {
    name: 'LSTM (hard_sigmoid gates, sequences) -> Dense on every step, MSE',
    build: () =>
      tf.sequential({ layers: [tf.layers.lstm({ units: H, returnSequences: true, inputShape: seq }), tf.layers.dense({ units: 2 })] }),
    loss: 'mse',
  },
  {
    name: 'GRU (reset-before) -> Dense softmax, crossentropy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.gru({ units: H, recurrentActivation: 'sigmoid', inputShape: seq }),
          tf.layers.dense({ units: 4, activation: 'softmax' }),
        ],
      }),
    loss: 'crossentropy',
  },
  {
    name: 'SimpleRNN -> Dense, MSE',
    build: () => tf.sequential({ layers: [tf.layers.simpleRNN({ units: H, inputShape: seq }), tf.layers.dense({ units: 1 })] }),
    loss: 'mse',
  },
  {
    name: 'Bidirectional GRU (concat) -> Dense, MSE',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.bidirectional({ layer: tf.layers.gru({ units: H, recurrentActivation: 'sigmoid' }) as tf.RNN, inputShape: seq }),
          tf.layers.dense({ units: 2 }),
        ],
      }),
    loss: 'mse',
  },
  {
    name: 'Embedding -> LSTM -> Dense softmax, crossentropy (weights only)',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 6, outputDim: F, inputShape: [null] }),
          tf.layers.lstm({ units: H, recurrentActivation: 'sigmoid' }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    loss: 'crossentropy',
    tokens: 6,
  },
];

describe('gradients agree with TF.js autodiff', () => {
  cases.forEach((c, k) => {
    it(c.name, async () => {
      const rng = new Rng(500 + k);
      const tfModel = c.build();
      randomizeTfjs(tfModel, rng);
      const shape = c.tokens ? [B, T] : [B, T, F];
      const x = c.tokens ? paddedTokens(rng, [T, T, T], T, c.tokens) : randomData(rng, shape);
      const outShape = tfModel.outputs[0]!.shape.map((d, i) => d ?? shape[i]!) as number[];
      const classes = outShape[outShape.length - 1]!;
      const labels = Int32Array.from({ length: B }, () => Math.floor(rng.next() * classes));
      const target = c.loss === 'mse' ? randomData(rng, outShape) : labels;

      // TF.js: the loss written out explicitly (mean over all elements; mean over samples of -log p[label]).
      const xT = tf.tensor(x, shape);
      const yT = c.loss === 'mse' ? tf.tensor(target, outShape) : tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
      const lossOf = (out: tf.Tensor): tf.Scalar =>
        c.loss === 'mse' ? tf.mean(tf.square(tf.sub(out, yT))) : tf.neg(tf.mean(tf.sum(tf.mul(yT, tf.log(out)), -1)));
      const run = (input: tf.Tensor) => lossOf(tfModel.apply(input, { training: true }) as tf.Tensor);
      const variables = tfModel.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => run(xT), variables);
      const tfLoss = value.dataSync()[0]!;
      const tfGrads = variables.map((v) => grads[v.name]!.dataSync());
      const tfDx = c.tokens ? null : tf.grad(run)(xT).dataSync();

      const saved = await saveTfjs(tfModel);
      const loss = c.loss === 'mse' ? meanSquaredError() : softmaxCrossEntropy();
      const { model } = loadLayersModel(backends[0]![1](), saved, { loss, softmax: 'logits' });
      const batch = { x: { data: x, shape }, y: c.loss === 'mse' ? { data: target, shape: outShape } : { data: labels, shape: [B] } };
      const rnnLoss = model.computeGradients(batch);
      expect(Math.abs(rnnLoss - tfLoss) / Math.abs(tfLoss)).toBeLessThanOrEqual(1e-5);
      expect(model.params).toHaveLength(tfGrads.length);
      model.params.forEach((p, i) => {
        expect(p.value.shape, p.name).toEqual(tfModel.trainableWeights[i]!.shape);
        expect(relativeError(model.backend.read(p.grad), tfGrads[i]!), p.name).toBeLessThanOrEqual(1e-4);
      });
      if (tfDx) expect(relativeError(model.inputGradient(batch).gradient.data, tfDx), 'dL/dx').toBeLessThanOrEqual(1e-4);
      model.dispose();
      tf.dispose([xT, yT, value, ...Object.values(grads)]);
      tfModel.dispose();
    });
  });
});
