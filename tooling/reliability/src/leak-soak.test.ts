// Leak soak: 1,000 training steps (plus predictions) must leave tfjs's tensor count unchanged and must not grow
// the WebAssembly memory after warm-up; every backend's own live-tensor count returns to zero on dispose.
import { tfjsBackend } from '@rnn/backend-tfjs';
import { wasmBackend } from '@rnn/backend-wasm';
import { adam, type Backend, bidirectional, dense, gru, lstm, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { CharTokenizer, LanguageModel } from '@rnn/nlp';
import { describe, expect, it } from 'vitest';

const STEPS = Number(process.env.RNN_SOAK_STEPS ?? 1000); // a multiple of 20: the soak ends where warm-up did
const [B, T, I, H, C] = [4, 10, 3, 8, 3];

function soakModel(backend: Backend): { model: Sequential; step: (s: number) => void } {
  const rng = new Rng(3);
  const x = { data: Float32Array.from({ length: B * T * I }, () => rng.normal()), shape: [B, T, I] };
  const y = { data: Int32Array.from({ length: B * T }, (_, i) => i % C), shape: [B, T] }; // a tag per step
  const model = new Sequential(backend, {
    layers: [
      recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true, dropout: 0.1 }),
      bidirectional({ cell: gru({ inputSize: H, hiddenSize: H }), returnSequences: true }),
      dense({ inputSize: 2 * H, outputSize: C }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.01, clipNorm: 1 }),
    seed: 1,
  });
  // a mix of full steps, truncated BPTT, padded batches and inference, as an application would run them
  const lengths = Int32Array.from([10, 7, 3, 10]);
  const step = (s: number): void => {
    if (s % 4 === 0) model.trainStep({ x, y }, { truncateAt: 5 });
    else if (s % 4 === 1) model.trainStep({ x, y, lengths });
    else model.trainStep({ x, y });
    if (s % 10 === 0) model.predict(x, { lengths });
  };
  return { model, step };
}

describe(`leak soak (${STEPS} steps)`, () => {
  it('backend-tfjs: tf.memory().numTensors unchanged', async () => {
    await tf.setBackend('cpu');
    const backend = tfjsBackend({ tf });
    await backend.ready();
    const { model, step } = soakModel(backend);
    // warm-up (workspaces and optimizer slots are created lazily), ending on the same step kind as the soak
    for (let s = 0; s < 20; s++) step(s);
    const before = tf.memory();
    for (let s = 20; s < STEPS; s++) step(s);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    model.dispose();
    expect(backend.stats().tensors).toBe(0);
  });

  it('backend-wasm: linear memory does not grow after warm-up', async () => {
    const backend = wasmBackend({ relaxedSimd: false });
    await backend.ready();
    const { model, step } = soakModel(backend);
    for (let s = 0; s < 20; s++) step(s);
    const before = backend.stats();
    for (let s = 20; s < STEPS; s++) step(s);
    const after = backend.stats();
    expect(after.heapBytes).toBe(before.heapBytes);
    expect(after.tensors).toBe(before.tensors);
    model.dispose();
    expect(backend.stats().tensors).toBe(0);
  });

  // Streaming generation, as a chat-like UI runs it: one token per predict call with carried state.
  const TOKENS = Number(process.env.RNN_SOAK_TOKENS ?? 10_000);
  const generator = (backend: Backend): LanguageModel =>
    LanguageModel.create(backend, {
      tokenizer: CharTokenizer.train('to be or not to be, that is the question'),
      hiddenSize: 16,
      embeddingSize: 8,
    });
  const stream = async (lm: LanguageModel, tokens: number): Promise<number> => {
    let n = 0;
    for await (const _ of lm.stream({ maxTokens: tokens, temperature: 0.8, seed: 3, stopAtEos: false })) n++;
    return n;
  };

  it(`backend-tfjs: ${TOKENS} streamed tokens leave tf.memory() unchanged`, async () => {
    await tf.setBackend('cpu');
    const backend = tfjsBackend({ tf });
    await backend.ready();
    const lm = generator(backend);
    await stream(lm, 50);
    const before = tf.memory();
    expect(await stream(lm, TOKENS)).toBe(TOKENS);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    lm.dispose();
    expect(backend.stats().tensors).toBe(0);
  });

  it(`backend-wasm: ${TOKENS} streamed tokens do not grow the memory`, async () => {
    const backend = wasmBackend({ relaxedSimd: false });
    await backend.ready();
    const lm = generator(backend);
    await stream(lm, 50);
    const before = backend.stats();
    expect(await stream(lm, TOKENS)).toBe(TOKENS);
    expect(backend.stats()).toEqual(before);
    lm.dispose();
    expect(backend.stats().tensors).toBe(0);
  });
});
