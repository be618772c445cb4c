import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { MEMORY_FEATURES, memoryBatch } from './memory.js';
import { GRADIENT_SERIES, type GradientsPayload } from './series.js';
import { gradientModel, gradientsConfig, gradientsTask } from './task.js';

describe('the memory task', () => {
  it('puts a ±1 signal at step 0 only, noise everywhere, and labels the sign', () => {
    const { x, y } = memoryBatch(new Rng(4), 8, 5);
    expect(x.shape).toEqual([8, 5, MEMORY_FEATURES]);
    expect(y.shape).toEqual([8]);
    for (let b = 0; b < 8; b++) {
      const at = (t: number, f: number): number => x.data[(b * 5 + t) * MEMORY_FEATURES + f]!;
      expect(Math.abs(at(0, 0))).toBe(1);
      expect(y.data[b]).toBe(at(0, 0) > 0 ? 1 : 0);
      for (let t = 1; t < 5; t++) expect(at(t, 0)).toBe(0);
      for (let t = 0; t < 5; t++) expect(Math.abs(at(t, 1))).toBeLessThan(1);
    }
    expect(new Set(y.data).size).toBe(2); // both classes occur
    expect(() => memoryBatch(new Rng(1), 0, 5)).toThrow(/batchSize: expected a positive integer, received 0/);
  });
});

describe('the gradients task', () => {
  it('reads its parameters with defaults and rejects bad ones by name', () => {
    expect(gradientsConfig({})).toEqual({
      length: 30,
      hiddenSize: 16,
      batchSize: 16,
      gain: 1,
      carryBias: 1,
      clipNorm: 1,
      lr: 0.01,
      seed: 1,
    });
    expect(() => gradientsConfig({ length: 1 })).toThrow(/params\.length: expected an integer in \[2, 500\], received 1/);
    expect(() => gradientsConfig({ gain: 0 })).toThrow(/params\.gain: expected a number in \(0, 10\], received 0/);
    expect(() => gradientsConfig({ clipNorm: Number.NaN })).toThrow(/params\.clipNorm/);
    expect(() => gradientsConfig({ carryBias: '3' })).toThrow(/params\.carryBias: expected a number in \[-10, 10\], received "3"/);
    expect(() => gradientsConfig({ lenght: 3 })).toThrow(/params: expected parameters among length, .*, received "lenght"/);
  });

  it('sets the carry gate bias: the LSTM forget gate and the GRU update gate', () => {
    const c = gradientsConfig({ hiddenSize: 3, carryBias: 2.5 });
    const b = jsBackend({ dtype: 'float64' });
    const bias = (kind: string): number[] =>
      Array.from(gradientModel(b, GRADIENT_SERIES.find((s) => s.id === kind)!, c).getWeights()['0.bias']!);
    expect(bias('lstm')).toEqual([0, 0, 0, 2.5, 2.5, 2.5, 0, 0, 0, 0, 0, 0]); // i, f, g, o
    expect(bias('gru')).toEqual([2.5, 2.5, 2.5, 0, 0, 0, 0, 0, 0]); // z, r, n
    expect(bias('rnn')).toEqual([0, 0, 0]);
  });

  it('trains six models in lockstep and reports ||dL/dh_t|| for every t of each', () => {
    const run = gradientsTask.create(jsBackend(), { length: 12, hiddenSize: 4, batchSize: 4 });
    expect(run.info.series).toEqual(['rnn', 'rnn+clip', 'lstm', 'lstm+clip', 'gru', 'gru+clip']);
    const first = run.step();
    const second = run.step();
    run.dispose();
    const p1 = first.payload as GradientsPayload;
    const p2 = second.payload as GradientsPayload;
    for (const s of GRADIENT_SERIES) {
      expect(p1.norms[s.id]).toHaveLength(12);
      expect(Array.from(p1.norms[s.id]!).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      expect(Number.isFinite(first.loss[s.id]!)).toBe(true);
    }
    // same initial weights and data: clipping cannot change the first backward pass, only the update after it
    for (const kind of ['rnn', 'lstm', 'gru']) {
      expect(Array.from(p1.norms[`${kind}+clip`]!)).toEqual(Array.from(p1.norms[kind]!));
      expect(p1.gradNorm[`${kind}+clip`]).toBe(p1.gradNorm[kind]);
      expect(first.loss[`${kind}+clip`]).toBe(first.loss[kind]);
    }
    // the exact payload crosses postMessage
    expect(structuredClone(p2)).toEqual(p2);
  });

  it('shows the vanishing gradient of an RNN with a contracting recurrent kernel', () => {
    // gain 0.5: each step back multiplies the gradient by at most 0.5 (tanh' <= 1)
    const run = gradientsTask.create(jsBackend({ dtype: 'float64' }), { length: 20, hiddenSize: 4, batchSize: 4, gain: 0.5 });
    const norms = (run.step().payload as GradientsPayload).norms.rnn!;
    run.dispose();
    for (let t = 0; t < 19; t++) expect(norms[t]!).toBeLessThanOrEqual(0.5 * norms[t + 1]! * (1 + 1e-12));
  });
});
