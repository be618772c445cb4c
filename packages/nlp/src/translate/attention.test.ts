import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { gradCheck } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { attention } from './attention.js';
import { Seq2Seq } from './seq2seq.js';

const random = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.uniform(-1, 1));

describe('Luong general attention', () => {
  it('computes a hand-checked case: scores, softmax, context, tanh([c; h] W_c)', () => {
    const b = jsBackend({ dtype: 'float64' });
    const layer = attention({ querySize: 1, memorySize: 1, outputSize: 1 }).build(b, new Rng(1), 'att');
    const [Wa, Wc] = layer.params;
    b.write(Wa!.value, [1]);
    b.write(Wc!.value, [1, 0]); // y = tanh(c)
    const memory = b.tensor([1, 2, 1], [1, 3]);
    const query = b.tensor([1, 1, 1], [0.5]);
    layer.setMemory(memory, null);
    const y = b.read(layer.forward(query, { training: false }));
    // scores 0.5 · 1 and 0.5 · 3; weights 1 / (1 + e) and e / (1 + e); context = a_1 · 1 + a_2 · 3
    const a1 = 1 / (1 + Math.E);
    expect(Array.from(layer.weights)).toEqual([expect.closeTo(a1, 14), expect.closeTo(1 - a1, 14)]);
    expect(y[0]).toBeCloseTo(Math.tanh(a1 + 3 * (1 - a1)), 14);
    layer.dispose();
    b.release(memory);
    b.release(query);
  });

  it('masks padded memory positions and passes float64 gradient checks for query, memory and weights', () => {
    const b = jsBackend({ dtype: 'float64' });
    const rng = new Rng(7);
    const [B, T, S, Hq, Hm, Ho] = [2, 3, 4, 3, 5, 4];
    const layer = attention({ querySize: Hq, memorySize: Hm, outputSize: Ho }).build(b, rng.fork(), 'att');
    const query = b.tensor([B, T, Hq], random(rng, B * T * Hq));
    const memory = b.tensor([B, S, Hm], random(rng, B * S * Hm));
    const lengths = Int32Array.of(4, 2);
    const R = b.tensor([B, T, Ho], random(rng, B * T * Ho));
    const r = b.read(R);
    let dQuery = query;
    const loss = (withGrad: boolean): number => {
      layer.setMemory(memory, lengths);
      const y = b.read(layer.forward(query, { training: withGrad }));
      if (withGrad) {
        for (const p of layer.params) b.fill(p.grad, 0);
        dQuery = layer.backward(R, true)!;
      }
      return Array.from(y).reduce((s, v, i) => s + v * r[i]!, 0);
    };
    const result = gradCheck(
      b,
      [
        ...layer.params.map((p) => ({ name: p.name, value: p.value, grad: () => p.grad })),
        { name: 'query', value: query, grad: () => dQuery },
        { name: 'memory', value: memory, grad: () => layer.memoryGrad },
      ],
      loss,
    );
    expect(result.checked).toBe(Hm * Hq + (Hm + Hq) * Ho + B * T * Hq + B * S * Hm);
    expect(result.maxRelError).toBeLessThan(1e-6);
    // sample 1 reads only its first 2 source positions: weight 0 and no gradient beyond them
    loss(true);
    const w = layer.weights;
    for (let t = 0; t < T; t++) {
      const row = Array.from(w.subarray((T + t) * S, (T + t + 1) * S)); // b = 1
      expect(row.slice(2)).toEqual([0, 0]);
      expect(row[0]! + row[1]!).toBeCloseTo(1, 14);
    }
    const dm = b.read(layer.memoryGrad);
    expect(Array.from(dm.subarray((S + 2) * Hm, 2 * S * Hm)).every((v) => v === 0)).toBe(true);
    layer.dispose();
    for (const t of [query, memory, R]) b.release(t);
  });

  it('rejects a missing memory and mismatched shapes', () => {
    const b = jsBackend({ dtype: 'float64' });
    const layer = attention({ querySize: 2, memorySize: 3 }).build(b, new Rng(1), 'att');
    const q = b.tensor([1, 1, 2]);
    expect(() => layer.forward(q, { training: false })).toThrow(/attention\.memory: expected setMemory\(memory, lengths\) before forward/);
    expect(() => layer.setMemory(b.tensor([1, 2, 4]), null)).toThrow(
      /memory: expected \[batch, time, 3\] \(attention\.memorySize\), received \[1, 2, 4\]/,
    );
    expect(() => layer.setMemory(b.tensor([1, 2, 3]), Int32Array.of(3))).toThrow(
      /memoryLengths\[0\]: expected an integer in \[1, 2\], received 3/,
    );
    expect(() => attention({ querySize: 0, memorySize: 3 })).toThrow(/attention\.querySize: expected a positive integer, received 0/);
    layer.dispose();
  });
});

describe('Seq2Seq (encoder-decoder through the Layer contract)', () => {
  it('passes a float64 gradient check of every parameter, through attention and the encoder-decoder state link', () => {
    const b = jsBackend({ dtype: 'float64' });
    const model = new Seq2Seq(b, { sourceVocabSize: 7, targetVocabSize: 6, embeddingSize: 3, hiddenSize: 4, dropout: 0 }, new Rng(3));
    // two pairs of different lengths: sources [3 5 2] and [4 0 0] (length 1); targets BOS y / y EOS
    const batch = {
      source: { data: Int32Array.of(3, 5, 2, 4, 0, 0), shape: [2, 3] as [number, number], lengths: Int32Array.of(3, 1) },
      targetIn: { data: Int32Array.of(1, 4, 5, 1, 3, 0), shape: [2, 3] as [number, number], lengths: Int32Array.of(3, 2) },
      targetOut: Int32Array.of(4, 5, 2, 3, 2, -1),
    };
    const result = gradCheck(
      b,
      model.params.map((p) => ({ name: p.name, value: p.value, grad: () => p.grad })),
      (withGrad) => {
        if (withGrad) for (const p of model.params) b.fill(p.grad, 0);
        return model.lossOn(batch, withGrad);
      },
      { maxPerTensor: 24 },
    );
    expect(result.checked).toBeGreaterThan(200);
    expect(result.maxRelError).toBeLessThan(1e-4); // gradCheck: above 1e-4 means a wrong gradient
    // the gradient reaches the encoder (through attention and the initial-state link) and both embeddings
    const norm = (name: string) => Math.hypot(...b.read(model.params.find((p) => p.name === name)!.grad));
    for (const name of ['sourceEmbedding.embeddings', 'encoder.forward.kernel', 'encoder.backward.kernel', 'targetEmbedding.embeddings'])
      expect(norm(name)).toBeGreaterThan(0);
    model.dispose();
  });
});
