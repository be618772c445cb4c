import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, InvalidArgumentError, type LayerDef, Rng, ShapeError } from '@rnn/core';
import { layerGradCheck, referenceBackend } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { WordTokenizer } from '../text/tokenizers.js';
import { TextClassifier } from './classifier.js';
import { classificationReport } from './metrics.js';
import { sequencePooling } from './pooling.js';

/** The pooling layer with fixed lengths, so layerGradCheck (which passes none) exercises the masking. */
function withLengths(def: LayerDef, lengths: Int32Array): LayerDef {
  return {
    build(backend, rng, name) {
      const layer = def.build(backend, rng, name);
      return { ...layer, forward: (x, o) => layer.forward(x, { ...o, lengths }) };
    },
  };
}

describe('sequencePooling', () => {
  it('pools over the valid steps only (hand values)', () => {
    const b = referenceBackend();
    // two samples, T = 3, F = 2; sample 1 has length 2, so its third step (big values) is padding
    const x = b.tensor([2, 3, 2], [1, -1, 3, 5, 2, 0, 4, 4, -2, 6, 100, 100]);
    const lengths = Int32Array.of(3, 2);
    const mean = sequencePooling({ mode: 'mean' }).build(b, new Rng(1), 'p');
    expect(Array.from(b.read(mean.forward(x, { training: true, lengths })))).toEqual([2, 4 / 3, 1, 5]);
    const max = sequencePooling({ mode: 'max' }).build(b, new Rng(1), 'p');
    expect(Array.from(b.read(max.forward(x, { training: true, lengths })))).toEqual([3, 5, 4, 6]);
    const dy = b.tensor([2, 2], [1, 2, 3, 4]);
    expect(Array.from(b.read(max.backward(dy, true)!))).toEqual([0, 0, 1, 2, 0, 0, 3, 0, 0, 4, 0, 0]);
    expect(Array.from(b.read(mean.backward(dy, true)!)).map((v) => +v.toFixed(12))).toEqual(
      [1 / 3, 2 / 3, 1 / 3, 2 / 3, 1 / 3, 2 / 3, 1.5, 2, 1.5, 2, 0, 0].map((v) => +v.toFixed(12)),
    );
    expect(mean.forward(b.tensor([1, 2, 2]), { training: false }).shape).toEqual([1, 2]); // no lengths: all steps
    expect(() => mean.outputShape([2, 3])).toThrow(ShapeError);
    expect(() => sequencePooling({ mode: 'sum' as 'mean' })).toThrow('sequencePooling.mode: expected one of "mean", "max", received "sum"');
    mean.dispose();
    max.dispose();
  });

  it('passes finite-difference gradient checks in float64 (with padding)', () => {
    const b = referenceBackend();
    for (const mode of ['mean', 'max'] as const) {
      const r = layerGradCheck(b, withLengths(sequencePooling({ mode }), Int32Array.of(4, 2, 3)), { inputShape: [3, 4, 5], seed: 2 });
      expect(r.checked).toBe(60);
      expect(r.maxRelError).toBeLessThan(1e-6);
    }
    expect(b.stats().tensors).toBe(0);
  });
});

describe('classificationReport', () => {
  it('matches a hand-computed three-class case', () => {
    // truth:     0 0 0 1 1 2 2 2 2 2
    // predicted: 0 1 0 1 2 2 2 0 2 1
    const r = classificationReport([0, 0, 0, 1, 1, 2, 2, 2, 2, 2], [0, 1, 0, 1, 2, 2, 2, 0, 2, 1], ['neg', 'neu', 'pos']);
    expect(r.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [1, 1, 3],
    ]);
    expect(r.accuracy).toBeCloseTo(0.6, 15);
    // neg: P = 2/3, R = 2/3; neu: P = 1/3, R = 1/2; pos: P = 3/4, R = 3/5
    const expected = [
      { label: 'neg', precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
      { label: 'neu', precision: 1 / 3, recall: 1 / 2, f1: 0.4, support: 2 },
      { label: 'pos', precision: 3 / 4, recall: 3 / 5, f1: 2 / 3, support: 5 },
    ];
    r.perClass.forEach((c, i) => {
      const e = expected[i]!;
      expect(c.label).toBe(e.label);
      expect(c.support).toBe(e.support);
      expect(c.precision).toBeCloseTo(e.precision, 12);
      expect(c.recall).toBeCloseTo(e.recall, 12);
      expect(c.f1).toBeCloseTo(e.f1, 12);
    });
    expect(r.macro.precision).toBeCloseTo((2 / 3 + 1 / 3 + 3 / 4) / 3, 12);
    expect(r.macro.recall).toBeCloseTo((2 / 3 + 1 / 2 + 3 / 5) / 3, 12);
    expect(r.macro.f1).toBeCloseTo((2 / 3 + 0.4 + 2 / 3) / 3, 12);
    expect(r.micro).toEqual({ precision: 0.6, recall: 0.6, f1: 0.6 });
  });

  it('gives 0 for a class that is never predicted, and rejects bad input', () => {
    const r = classificationReport([0, 1, 1], [1, 1, 1], 2);
    expect(r.perClass[0]).toEqual({ label: '0', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.perClass[1]!.precision).toBeCloseTo(2 / 3, 12);
    expect(() => classificationReport([0, 1], [0], 2)).toThrow('predicted.length: expected 2 predictions (one per true label), received 1');
    expect(() => classificationReport([0, 2], [0, 1], 2)).toThrow('truth[1]: expected a class index in 0..1, received 2');
    expect(() => classificationReport([], [], 2)).toThrow(InvalidArgumentError);
  });
});

describe('TextClassifier', () => {
  const good = ['good film', 'really good', 'a good and fine plot', 'fine acting', 'good fun', 'fine , good'];
  const bad = ['bad film', 'really bad', 'a bad and dull plot', 'dull acting', 'bad fun', 'dull , bad'];
  const texts = [...good, ...bad];
  const labels = [...good.map(() => 'pos'), ...bad.map(() => 'neg')];
  const tokenizer = WordTokenizer.train(texts);

  for (const [pooling, cell, bidirectional] of [
    ['mean', 'lstm', true],
    ['max', 'gru', false],
    ['last', 'gru', true],
  ] as const)
    it(`learns a toy sentiment task (${pooling} pooling, ${bidirectional ? 'bi' : ''}${cell})`, async () => {
      const clf = TextClassifier.create(jsBackend(), {
        tokenizer,
        labels: ['neg', 'pos'],
        cell,
        pooling,
        bidirectional,
        hiddenSize: 8,
        embeddingSize: 8,
        learningRate: 0.05,
        dropout: 0.1,
        seed: 1,
      });
      const history = await clf.fit(texts, labels, { epochs: 25, batchSize: 4, validation: { texts, labels } });
      expect(history.epochs).toHaveLength(25);
      const report = clf.evaluate(['good plot', 'dull film', 'really fine', 'bad acting'], ['pos', 'neg', 'pos', 'neg']);
      expect(report.accuracy).toBe(1);
      expect(report.confusion).toEqual([
        [2, 0],
        [0, 2],
      ]);
      expect(history.epochs[24]!.validation!.accuracy).toBe(1);
      const [c] = clf.classify(['good good fun']);
      expect(c!.label).toBe('pos');
      expect(c!.probabilities[0]! + c!.probabilities[1]!).toBeCloseTo(1, 12);
      clf.dispose();
    });

  it('explains a classification: gradient × input per token, equal to a finite difference, pointing at the sentiment words', async () => {
    const clf = TextClassifier.create(referenceBackend(), {
      tokenizer,
      labels: ['neg', 'pos'],
      cell: 'lstm',
      bidirectional: true,
      hiddenSize: 6,
      embeddingSize: 5,
      learningRate: 0.05,
      dropout: 0.2, // explain runs in inference mode: dropout must not change it
      seed: 2,
    });
    await clf.fit(texts, labels, { epochs: 20, batchSize: 4 });
    const text = 'a really good plot';
    const e = clf.explain(text, { label: 'pos' });
    expect(e.tokens).toEqual(['a', 'really', 'good', 'plot']);
    expect(e.label).toBe('pos');
    expect(e.probability).toBeCloseTo(clf.classify([text])[0]!.probabilities[1]!, 12);
    expect(clf.explain(text).label).toBe(clf.classify([text])[0]!.label); // default: the predicted class
    // d/dα log p(pos) with one token's embedding vector scaled by α, at α = 1 (each token occurs once here)
    const weights = clf.model.getWeights();
    const table = Float64Array.from(weights['0.embeddings']!);
    const E = 5;
    const logPos = (row: number, alpha: number): number => {
      const scaled = table.slice();
      for (let k = 0; k < E; k++) scaled[row * E + k]! *= alpha;
      clf.model.setWeights({ '0.embeddings': scaled });
      const p = clf.classify([text])[0]!.probabilities[1]!;
      clf.model.setWeights({ '0.embeddings': table });
      return Math.log(p);
    };
    e.tokens.forEach((token, t) => {
      const row = clf.tokenizer.vocabulary.id(token);
      const numeric = (logPos(row, 1 + 1e-6) - logPos(row, 1 - 1e-6)) / 2e-6;
      expect(e.saliency[t]!, token).toBeCloseTo(numeric, 7);
    });
    const neg = clf.explain('really bad plot', { label: 'neg' });
    const strongest = neg.tokens[neg.saliency.indexOf(Math.max(...neg.saliency))];
    expect(strongest).toBe('bad');
    expect(() => clf.explain(text, { label: 'meh' })).toThrow(InvalidArgumentError);
    clf.dispose();
  });

  it('pads batches without changing any prediction, and saves / loads (pooling layer included)', async () => {
    const clf = TextClassifier.create(jsBackend({ dtype: 'float64' }), {
      tokenizer,
      labels: ['neg', 'pos'],
      hiddenSize: 6,
      embeddingSize: 4,
    });
    await clf.fit(texts, labels, { epochs: 2, batchSize: 5 });
    const together = clf.predictProbabilities(texts);
    texts.forEach((t, i) => {
      const alone = clf.predictProbabilities([t])[0]!;
      alone.forEach((p, c) => expect(p).toBeCloseTo(together[i]![c]!, 12));
    });
    const files = clf.save();
    const again = TextClassifier.load(jsBackend({ dtype: 'float64' }), files);
    expect(again.predictProbabilities(texts)).toEqual(together);
    expect(again.labels).toEqual(['neg', 'pos']);
    expect(again.model.layerConfigs().map((c) => c.kind)).toEqual(['embedding', 'bidirectional', 'sequencePooling', 'dense']);
    expect(() => TextClassifier.load(jsBackend(), { ...files, labels: ['x'] })).toThrow(CorruptModelError);
    expect(() => TextClassifier.load(jsBackend(), { ...files, labels: ['a', 'b', 'c'] })).toThrow(CorruptModelError);
    clf.dispose();
    again.dispose();
  });

  it('rejects bad input with typed errors (never truncates)', async () => {
    const clf = TextClassifier.create(jsBackend(), { tokenizer, labels: ['neg', 'pos'], hiddenSize: 4, embeddingSize: 4, maxLength: 3 });
    expect(() => clf.classify(['good good good good'])).toThrow('texts[0]: expected at most maxLength = 3 tokens, received "4 tokens"');
    expect(() => clf.classify(['  '])).toThrow('texts[0]: expected text with at least one token, received "  "');
    expect(() => clf.classify([])).toThrow(/texts: expected a non-empty array of texts/);
    await expect(clf.fit(['good'], ['great'])).rejects.toThrow(
      'labels[0]: expected a class name (neg, pos) or index below 2, received "great"',
    );
    await expect(clf.fit(['good', 'bad'], [1])).rejects.toThrow(/labels: expected 2 labels \(one per text\)/);
    expect(() => TextClassifier.create(jsBackend(), { tokenizer, labels: ['only'] })).toThrow(
      /options.labels: expected at least two distinct class names/,
    );
    expect(() => TextClassifier.create(jsBackend(), { tokenizer, labels: ['a', 'b'], pooling: 'sum' as 'mean' })).toThrow(
      /options.pooling/,
    );
    clf.dispose();
  });
});
