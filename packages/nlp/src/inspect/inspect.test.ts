import { jsBackend } from '@rnn/backend-js';
import { adam, bidirectional, embedding, gru, type LayerDef, lstm, recurrent, Sequential, simpleRnn, softmaxCrossEntropy } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { LanguageModel } from '../lm/language-model.js';
import { CharTokenizer } from '../text/tokenizers.js';
import { inspect } from './inspect.js';

const backend = jsBackend({ dtype: 'float64' });
const ids = [3, 1, 4, 1, 5, 9, 2, 6];

/** A model ending in its recurrent layers, so `predict` returns their hidden states. */
function model(layers: LayerDef[]): Sequential {
  return new Sequential(backend, {
    layers: [embedding({ vocabSize: 10, embeddingSize: 3 }), ...layers],
    loss: softmaxCrossEntropy(),
    optimizer: adam(),
    seed: 4,
  });
}

/** Row t of a [1, T, H] prediction. */
const row = (data: ArrayLike<number>, t: number, H: number): number[] => Array.from(data).slice(t * H, (t + 1) * H);
const close = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 6);
};

describe('inspect', () => {
  it('reports LSTM hidden states equal to predict, and gates that reproduce c_t and h_t', () => {
    const m = model([recurrent({ cell: lstm({ inputSize: 3, hiddenSize: 4 }), returnSequences: true })]);
    const y = m.predict({ data: ids, shape: [1, ids.length] }).data;
    const { layers } = inspect(m, ids);
    expect(layers).toHaveLength(1);
    const l = layers[0]!;
    expect([l.layer, l.direction, l.kind, Object.keys(l.gates)]).toEqual([1, 'forward', 'lstm', ['i', 'f', 'g', 'o']]);
    ids.forEach((_, t) => {
      close(l.hidden[t]!, row(y, t, 4));
      const { i, f, g, o } = l.gates as Record<'i' | 'f' | 'g' | 'o', Float32Array[]>;
      for (let k = 0; k < 4; k++) {
        const cPrev = t === 0 ? 0 : l.cell![t - 1]![k]!;
        expect(l.cell![t]![k]!).toBeCloseTo(f[t]![k]! * cPrev + i[t]![k]! * g[t]![k]!, 6);
        expect(l.hidden[t]![k]!).toBeCloseTo(o[t]![k]! * Math.tanh(l.cell![t]![k]!), 6);
        expect(i[t]![k]!).toBeGreaterThan(0);
        expect(i[t]![k]!).toBeLessThan(1);
      }
    });
    m.dispose();
  });

  it('reports GRU gates with h_t = z h_{t-1} + (1 - z) n, for stacked layers', () => {
    const m = model([
      recurrent({ cell: gru({ inputSize: 3, hiddenSize: 5 }), returnSequences: true }),
      recurrent({ cell: gru({ inputSize: 5, hiddenSize: 2 }), returnSequences: true }),
    ]);
    const y = m.predict({ data: ids, shape: [1, ids.length] }).data;
    const { layers } = inspect(m, ids, { tokens: ids.map(String) });
    expect(layers.map((l) => [l.layer, l.kind, l.hidden[0]!.length, l.cell])).toEqual([
      [1, 'gru', 5, undefined],
      [2, 'gru', 2, undefined],
    ]);
    ids.forEach((_, t) => close(layers[1]!.hidden[t]!, row(y, t, 2)));
    const first = layers[0]!;
    const { z, n } = first.gates as Record<'z' | 'r' | 'n', Float32Array[]>;
    for (let t = 0; t < ids.length; t++)
      for (let k = 0; k < 5; k++) {
        const hPrev = t === 0 ? 0 : first.hidden[t - 1]![k]!;
        expect(first.hidden[t]![k]!).toBeCloseTo(z[t]![k]! * hPrev + (1 - z[t]![k]!) * n[t]![k]!, 6);
      }
    m.dispose();
  });

  it('reports both directions of a bidirectional layer in token order, matching predict', () => {
    const m = model([bidirectional({ cell: simpleRnn({ inputSize: 3, hiddenSize: 3 }), returnSequences: true, mergeMode: 'concat' })]);
    const y = m.predict({ data: ids, shape: [1, ids.length] }).data;
    const { layers } = inspect(m, ids);
    expect(layers.map((l) => [l.direction, l.kind, Object.keys(l.gates).length])).toEqual([
      ['forward', 'rnn', 0],
      ['backward', 'rnn', 0],
    ]);
    ids.forEach((_, t) => {
      const merged = row(y, t, 6);
      close(layers[0]!.hidden[t]!, merged.slice(0, 3));
      close(layers[1]!.hidden[t]!, merged.slice(3));
    });
    m.dispose();
  });

  it("gives a language model's last hidden states, which the output layer turns into predict's logits", () => {
    const tok = CharTokenizer.train('hello world');
    const lm = LanguageModel.create(backend, { tokenizer: tok, hiddenSize: 6, embeddingSize: 3, layers: 2 });
    const text = 'hello';
    const result = lm.inspect(text);
    expect(result.tokens).toEqual(['h', 'e', 'l', 'l', 'o']);
    expect(result.layers).toHaveLength(2);
    const V = tok.vocabulary.size;
    const w = lm.model.getWeights();
    const [kernel, bias] = [w['3.kernel']!, w['3.bias']!];
    const logits = lm.model.predict({ data: tok.encode(text), shape: [1, 5] }).data;
    result.layers[1]!.hidden.forEach((h, t) => {
      const expected = Array.from({ length: V }, (_, v) => bias[v]! + h.reduce((s, hk, k) => s + hk * kernel[k * V + v]!, 0));
      close(expected, row(logits, t, V));
    });
    expect(() => inspect(lm.model, [])).toThrow('ids: expected at least one token id, received "an empty sequence"');
    expect(() => inspect(lm.model, [1, 2], { tokens: ['a'] })).toThrow(/options.tokens: expected 2 tokens/);
    expect(backend.stats().tensors).toBeGreaterThan(0); // the model's own; inspect released its tensors (below)
    const before = backend.stats().tensors;
    lm.inspect('hello world');
    lm.inspect('hello world');
    expect(backend.stats().tensors).toBe(before);
    lm.dispose();
  });
});
