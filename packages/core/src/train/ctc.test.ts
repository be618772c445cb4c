import { describe, expect, it } from 'vitest';
import { gru } from '../cells/gru/index.js';
import { InvalidArgumentError } from '../errors.js';
import { bidirectional } from '../layers/bidirectional.js';
import { dense } from '../layers/dense.js';
import { Rng } from '../random.js';
import { ctcBeamSearch, ctcGreedyDecode } from '../sequence/ctc-decode.js';
import { editDistance, labelErrorRate, sequenceAccuracy } from '../sequence/metrics.js';
import { modelGradCheck } from '../testing/gradcheck.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { type CtcOptions, ctcLoss } from './ctc.js';
import { Sequential } from './model.js';
import { sgd } from './optimizers.js';

/** CTC loss of logits [B, T, C] through the Loss interface on the reference backend. */
function loss(logits: number[], shape: [number, number, number], labels: number[][], options: CtcOptions = {}, lengths?: number[]) {
  const b = referenceBackend();
  const L = Math.max(1, ...labels.map((l) => l.length));
  const y = { data: labels.flatMap((l) => [...l, ...Array(L - l.length).fill(-1)]), shape: [shape[0], L] };
  const p = b.tensor(shape, logits);
  const d = b.tensor(shape);
  const value = ctcLoss(options).compute(b, p, y, d, null as never, lengths ? Int32Array.from(lengths) : null);
  return { value, grad: b.read(d) };
}

describe('CTC loss', () => {
  it('matches hand-computed values', () => {
    // uniform probabilities over {blank, a}: T = 2, "a" has 3 alignments (a a, _ a, a _) of probability 1/4
    expect(loss([0, 0, 0, 0], [1, 2, 2], [[1]], { reduction: 'sum' }).value).toBeCloseTo(-Math.log(0.75), 12);
    // T = 1: p("a") = softmax(z)[a]
    expect(loss([0.3, -1.2], [1, 1, 2], [[1]], { reduction: 'sum' }).value).toBeCloseTo(
      -(-1.2 - Math.log(Math.exp(0.3) + Math.exp(-1.2))),
      12,
    );
    // repeated labels need a blank between them: "a a" in 3 frames has the single path a _ a
    expect(loss(Array(6).fill(0), [1, 3, 2], [[1, 1]], { reduction: 'sum' }).value).toBeCloseTo(-Math.log(0.125), 12);
    // three classes, "a b" in 3 frames: a a b, a b b, a b _, a _ b, _ a b
    expect(loss(Array(9).fill(0), [1, 3, 3], [[1, 2]], { reduction: 'sum' }).value).toBeCloseTo(-Math.log(5 / 27), 12);
    // reductions: meanOverTargetLength divides by the label length (PyTorch 'mean')
    const two = loss(Array(18).fill(0), [2, 3, 3], [[1, 2], [1]], { reduction: 'meanOverTargetLength' }).value;
    const [l1, l2] = [-Math.log(5 / 27), loss(Array(9).fill(0), [1, 3, 3], [[1]], { reduction: 'sum' }).value];
    expect(two).toBeCloseTo((l1 / 2 + l2 / 1) / 2, 12);
    expect(loss(Array(18).fill(0), [2, 3, 3], [[1, 2], [1]], { reduction: 'mean' }).value).toBeCloseTo((l1 + l2) / 2, 12);
  });

  it('impossible alignments: a typed error naming the sample, or zero with zeroInfinity (never NaN)', () => {
    expect(() => loss([0, 0, 0, 0], [1, 2, 2], [[1, 1]])).toThrow(InvalidArgumentError);
    expect(() => loss([0, 0, 0, 0], [1, 2, 2], [[1, 1]])).toThrow(
      /y \(sample 0\): expected a labelling that fits in 2 frames \(it needs 3/,
    );
    const z = loss([0, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2], [[1, 1], [1]], { zeroInfinity: true, reduction: 'sum' });
    expect(z.value).toBeCloseTo(-Math.log(0.75), 12);
    expect(Array.from(z.grad.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(z.grad.every(Number.isFinite)).toBe(true);
  });

  it('rejects bad targets, blank and lengths with typed errors', () => {
    expect(() => loss([0, 0, 0, 0], [1, 2, 2], [[2]])).toThrow(/a label in \[0, 1\], received 2/);
    expect(() => loss([0, 0, 0, 0], [1, 2, 2], [[0]])).toThrow(/a label other than the blank \(0\)/);
    expect(() => loss([0, 0, 0, 0], [1, 2, 2], [[1]], { blank: 2 })).toThrow(
      /ctcLoss.blank: expected a class index in \[0, 1\], received 2/,
    );
    expect(() => ctcLoss({ reduction: 'max' as never })).toThrow(/ctcLoss.reduction/);
  });

  it('gradient passes the finite-difference check through a bidirectional GRU with padded inputs', () => {
    const rng = new Rng(3);
    const [B, T, C] = [3, 6, 4];
    const model = new Sequential(referenceBackend(), {
      layers: [
        bidirectional({ cell: gru({ inputSize: 2, hiddenSize: 3 }), returnSequences: true }),
        dense({ inputSize: 6, outputSize: C }),
      ],
      loss: ctcLoss(),
      optimizer: sgd(),
      seed: 1,
    });
    const batch = {
      x: { data: Array.from({ length: B * T * 2 }, () => rng.uniform(-1, 1)), shape: [B, T, 2] },
      y: { data: [1, 2, 2, 3, -1, -1, 2, 1, 3], shape: [B, 3] },
      lengths: [6, 4, 5],
    };
    const r = modelGradCheck(model, batch);
    expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(1e-4);
    model.dispose();
  });
});

describe('CTC decoding', () => {
  const log = (rows: number[][]) => rows.flat().map(Math.log);

  it('greedy decoding merges repeats and drops blanks', () => {
    const table = log([
      [0.1, 0.8, 0.1],
      [0.1, 0.8, 0.1],
      [0.8, 0.1, 0.1],
      [0.1, 0.8, 0.1],
      [0.1, 0.1, 0.8],
    ]);
    const d = ctcGreedyDecode(table, 5, 3);
    expect(d.labels).toEqual([1, 1, 2]);
    expect(d.score).toBeCloseTo(5 * Math.log(0.8), 10);
  });

  it('beam search finds the labelling that greedy misses, with the exact summed probability', () => {
    // per frame p(blank) = 0.6, p(a) = 0.4: the best path is "_ _" (0.36) but "a" has 0.16 + 0.24 + 0.24 = 0.64
    const table = log([
      [0.6, 0.4],
      [0.6, 0.4],
    ]);
    expect(ctcGreedyDecode(table, 2, 2).labels).toEqual([]);
    const beams = ctcBeamSearch(table, 2, 2, { beamWidth: 4 });
    expect(beams[0]!.labels).toEqual([1]);
    expect(beams[0]!.score).toBeCloseTo(Math.log(0.64), 12);
    expect(beams.find((b) => b.labels.length === 0)!.score).toBeCloseTo(Math.log(0.36), 12);
    expect(beams.find((b) => b.labels.length === 2)!.score).toBeCloseTo(Math.log(0.16 * 0), 12); // "a a" needs a blank
  });

  it('rejects bad decoding arguments', () => {
    expect(() => ctcGreedyDecode([0, 0], 1, 2, 2)).toThrow(/blank: expected a class index in \[0, 1\], received 2/);
    expect(() => ctcBeamSearch([0, 0], 2, 2)).toThrow(/scores: expected at least 4 values/);
    expect(() => ctcBeamSearch([0, 0, 0, 0], 2, 2, { beamWidth: 0 })).toThrow(/beamWidth/);
  });
});

describe('edit-distance metrics', () => {
  it('computes Levenshtein distance, label error rate and sequence accuracy', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance([1, 2, 3], [])).toBe(3);
    expect(labelErrorRate(['123', '45'], ['123', '4'])).toBeCloseTo(1 / 5, 12);
    expect(sequenceAccuracy(['123', '45'], ['123', '4'])).toBe(0.5);
  });
});
