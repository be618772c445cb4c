import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { type LabelledSequences, padSequences, type Sequence, SequenceClassifier } from './classifier.js';

const seq = (rows: number[][]): Sequence => ({ length: rows.length, values: Float64Array.from(rows.flat()) });

/** Class 0: rising, 1: falling, 2: oscillating; 2 channels, lengths 4-12. */
function shapes(n: number, seed: number): LabelledSequences {
  const rng = new Rng(seed);
  const sequences: Sequence[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const T = 4 + rng.int(9);
    const rows = Array.from({ length: T }, (_, t) => {
      const v = k === 0 ? t / T : k === 1 ? 1 - t / T : t % 2;
      return [v + 0.1 * rng.normal(), 5 + 0.1 * rng.normal()];
    });
    sequences.push(seq(rows));
    labels.push(k);
  }
  return { sequences, labels };
}

describe('padSequences', () => {
  it('end-pads with zeros to the longest sequence (or maxLength) and returns the lengths', () => {
    const { x, lengths } = padSequences(
      [
        seq([[1, 2]]),
        seq([
          [3, 4],
          [5, 6],
        ]),
      ],
      2,
    );
    expect(x.shape).toEqual([2, 2, 2]);
    expect(Array.from(x.data)).toEqual([1, 2, 0, 0, 3, 4, 5, 6]);
    expect(Array.from(lengths)).toEqual([1, 2]);
    expect(padSequences([seq([[1, 2]])], 2, { maxLength: 3 }).x.shape).toEqual([1, 3, 2]);
  });

  it('never truncates and checks every sequence', () => {
    expect(() => padSequences([seq([[1], [2], [3]])], 1, { maxLength: 2 })).toThrow(
      'sequences[0].length: expected at most maxLength 2 (sequences are never truncated), received 3',
    );
    expect(() => padSequences([{ length: 2, values: new Float64Array(3) }], 2)).toThrow(
      'sequences[0].values: expected 4 values (length 2 x 2 features), received 3 values',
    );
    expect(() => padSequences([seq([[1], [Number.NaN]])], 1)).toThrow(
      'sequences[0].values: expected finite numbers, received NaN at flat index 1',
    );
    expect(() => padSequences([], 1)).toThrow(/sequences: expected a non-empty array of sequences/);
  });
});

describe('SequenceClassifier', () => {
  it('learns to classify variable-length sequences; padding does not change a prediction; save/load is exact', async () => {
    const train = shapes(90, 1);
    const test = shapes(30, 2);
    const c = new SequenceClassifier(jsBackend(), {
      features: 2,
      classes: 3,
      classNames: ['up', 'down', 'zigzag'],
      hiddenSize: 8,
      epochs: 25,
      lr: 0.02,
      seed: 3,
    });
    const report = await c.fit(train, { validation: test });
    expect(report.valAccuracy).toBe(1);
    const result = c.evaluate(test);
    expect(result.accuracy).toBe(1);
    expect(result.confusion).toEqual([
      [10, 0, 0],
      [0, 10, 0],
      [0, 0, 10],
    ]);
    // a short sequence alone and inside a padded batch with a long one
    const short = test.sequences.find((s) => s.length === 4)!;
    const long = test.sequences.find((s) => s.length >= 10)!;
    const alone = c.predictProba([short]);
    const batched = c.predictProba([long, short]).subarray(3, 6);
    for (let k = 0; k < 3; k++) expect(batched[k]).toBeCloseTo(alone[k]!, 6);
    expect(alone.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
    const bytes = c.save();
    const d = SequenceClassifier.load(jsBackend(), bytes);
    expect(d.predictProba(test.sequences)).toEqual(c.predictProba(test.sequences));
    expect(d.config.classNames).toEqual(['up', 'down', 'zigzag']);
    expect(() => SequenceClassifier.load(jsBackend(), bytes.subarray(0, bytes.length - 1))).toThrow(CorruptModelError);
    c.dispose();
    d.dispose();
  });

  it('GRU, unidirectional, 2 layers builds and trains; bad labels and sequences are named', async () => {
    const train = shapes(12, 4);
    const c = new SequenceClassifier(jsBackend(), {
      features: 2,
      classes: 3,
      cell: 'gru',
      bidirectional: false,
      layers: 2,
      hiddenSize: 4,
      epochs: 1,
    });
    expect((await c.fit(train)).epochs).toBe(1);
    expect(c.predict(train.sequences)).toHaveLength(12);
    await expect(c.fit({ sequences: train.sequences, labels: Array.from(train.labels, (l) => l + 1) })).rejects.toThrow(
      'train.labels[2]: expected a class index in [0, 2], received 3',
    );
    await expect(c.fit({ sequences: train.sequences, labels: [0] })).rejects.toThrow(
      'train.labels: expected 12 labels (one per sequence), received 1',
    );
    expect(() => c.predict([seq([[1, 2, 3]])])).toThrow(
      'sequences[0].values: expected 2 values (length 1 x 2 features), received 3 values',
    );
    expect(() => new SequenceClassifier(jsBackend(), { features: 2, classes: 1 })).toThrow('classes: expected at least 2, received 1');
    expect(() => new SequenceClassifier(jsBackend(), { features: 2, classes: 3, classNames: ['a'] })).toThrow(
      'classNames: expected 3 names (one per class), received 1',
    );
    c.dispose();
  });
});
