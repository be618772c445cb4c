import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { jsBackend } from '@rnn/backend-js';
import { adam, type Backend, bidirectional, dense, embedding, gru, lstm, Rng, Sequential, simpleRnn, softmaxCrossEntropy } from '@rnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tfjsBackend } from './index.js';

const rng = new Rng(5);
const [B, T, V] = [4, 7, 9];
const batch = {
  x: { data: Int32Array.from({ length: B * T }, () => rng.int(V)), shape: [B, T] },
  y: { data: Int32Array.from({ length: B }, () => rng.int(3)), shape: [B] },
  lengths: Int32Array.from([7, 3, 5, 1]),
};

function model(backend: Backend, kind: string) {
  const cell =
    kind === 'lstm'
      ? lstm({ inputSize: 5, hiddenSize: 6 })
      : kind === 'gru'
        ? gru({ inputSize: 5, hiddenSize: 6 })
        : kind === 'gru-before'
          ? gru({ inputSize: 5, hiddenSize: 6, resetAfter: false })
          : simpleRnn({ inputSize: 5, hiddenSize: 6 });
  return new Sequential(backend, {
    layers: [
      embedding({ vocabSize: V, embeddingSize: 5, paddingIndex: 0 }),
      bidirectional({ cell, mergeMode: 'concat' }),
      dense({ inputSize: 12, outputSize: 3 }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.01, clipNorm: 1 }),
    seed: 3,
  });
}

for (const tfBackend of ['cpu', 'wasm'] as const)
  describe(`backend-tfjs on tfjs-backend-${tfBackend}`, () => {
    const make = async () => {
      await tf.setBackend(tfBackend);
      const b = tfjsBackend({ tf });
      await b.ready();
      return b;
    };

    for (const kind of ['lstm', 'gru', 'gru-before', 'rnn'])
      it(`${kind}: bidirectional padded training steps agree with backend-js to float32 tolerance`, async () => {
        const ours = model(await make(), kind);
        const ref = model(jsBackend(), kind);
        for (let i = 0; i < 5; i++) expect(ours.trainStep(batch).loss).toBeCloseTo(ref.trainStep(batch).loss, 4);
        const a = ours.getWeights();
        const e = ref.getWeights();
        for (const [name, w] of Object.entries(e)) w.forEach((v, i) => expect(a[name]![i]).toBeCloseTo(v, 4));
        ours.dispose();
        ref.dispose();
      });

    it('200 training steps leave tf.memory().numTensors unchanged', async () => {
      const m = model(await make(), 'lstm');
      m.trainStep(batch);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 200; i++) m.trainStep(batch);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    });
  });

describe('backend-tfjs errors', () => {
  it('rejects a missing tf module and use before ready()', async () => {
    expect(() => tfjsBackend({} as never)).toThrow(/options.tf: expected the TensorFlow.js module/);
    const b = tfjsBackend({ tf });
    expect(() => b.tensor([2])).toThrow(/backend: expected a ready backend/);
    await b.ready();
    expect(() => b.tensor([2], [1])).toThrow(/data: expected 2 values for shape \[2\], received 1 values/);
  });
});
