import { describe, expect, it } from 'vitest';
import type { Cell } from '../cells/cell.js';
import { gru, lstm, simpleRnn } from '../cells/index.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { Rng } from '../random.js';
import { modelGradCheck } from '../testing/gradcheck.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { binaryCrossEntropy, huber, meanAbsoluteError, meanSquaredError, softmaxCrossEntropy } from '../train/losses.js';
import { Sequential } from '../train/model.js';
import { sgd } from '../train/optimizers.js';
import { bidirectional, MERGE_MODES } from './bidirectional.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { embedding } from './embedding.js';
import type { LayerDef } from './layer.js';
import { type RecurrentLayer, recurrent } from './recurrent.js';
import { stackedRecurrent } from './stack.js';

const [B, T, I] = [3, 5, 2];
const rng = new Rng(21);
const xData = Array.from({ length: B * T * I }, () => rng.uniform(-1, 1));
const lengths = Int32Array.from([5, 2, 4]);
const cells: Array<[string, (i: number, h: number) => Cell]> = [
  ['rnn', (i, h) => simpleRnn({ inputSize: i, hiddenSize: h })],
  ['lstm', (i, h) => lstm({ inputSize: i, hiddenSize: h })],
  ['gru', (i, h) => gru({ inputSize: i, hiddenSize: h })],
  ['gru reset-before', (i, h) => gru({ inputSize: i, hiddenSize: h, resetAfter: false })],
];

function model(layers: LayerDef[], loss = meanSquaredError(), seed = 1) {
  return new Sequential(referenceBackend(), { layers, loss, optimizer: sgd(), seed });
}

function check(m: Sequential, batch: Parameters<Sequential['trainStep']>[0]) {
  const r = modelGradCheck(m, batch);
  expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(1e-4);
  m.dispose();
  expect(m.backend.stats().tensors).toBe(0);
}

const seqTargets = (n: number, feats: number) => ({
  data: Array.from({ length: n * feats }, () => rng.uniform(-1, 1)),
  shape: [B, T, feats],
});

describe('gradient checks of model configurations (float64)', () => {
  for (const [name, make] of cells) {
    it(`stacked ${name}: 2 layers with dropout between (frozen masks)`, () => {
      const layers = [
        ...stackedRecurrent({ cell: (i) => make(i, 3), inputSize: I, numLayers: 2, dropoutBetween: 0.3, returnSequences: true }),
        dense({ inputSize: 3, outputSize: 2 }),
      ];
      check(model(layers), { x: { data: xData, shape: [B, T, I] }, y: seqTargets(B * T, 2) });
    });

    it(`masked ${name}: padded batch with lengths`, () => {
      const layers = [recurrent({ cell: make(I, 3), returnSequences: true }), dense({ inputSize: 3, outputSize: 2 })];
      check(model(layers), { x: { data: xData, shape: [B, T, I] }, y: seqTargets(B * T, 2), lengths });
    });

    it(`${name} with input and recurrent dropout (frozen masks)`, () => {
      const layers = [recurrent({ cell: make(I, 4), dropout: 0.3, recurrentDropout: 0.4 }), dense({ inputSize: 4, outputSize: 1 })];
      check(model(layers), { x: { data: xData, shape: [B, T, I] }, y: { data: [0.5, -1, 2], shape: [B, 1] } });
    });
  }

  for (const mergeMode of MERGE_MODES)
    it(`bidirectional LSTM, merge ${mergeMode}, padded`, () => {
      const out = mergeMode === 'concat' ? 6 : 3;
      const layers =
        mergeMode === 'none'
          ? [
              bidirectional({ cell: lstm({ inputSize: I, hiddenSize: 3 }), mergeMode, returnSequences: true }),
              dense({ inputSize: 3, outputSize: 1 }),
            ]
          : [
              bidirectional({ cell: lstm({ inputSize: I, hiddenSize: 3 }), mergeMode, returnSequences: true }),
              dense({ inputSize: out, outputSize: 1 }),
            ];
      const y =
        mergeMode === 'none'
          ? { data: Array.from({ length: B * T * 2 }, () => rng.uniform(-1, 1)), shape: [B, T, 2, 1] }
          : seqTargets(B * T, 1);
      check(model(layers), { x: { data: xData, shape: [B, T, I] }, y, lengths });
    });

  it('bidirectional GRU many-to-one, stacked under a bidirectional layer', () => {
    const layers = [
      ...stackedRecurrent({ cell: (i) => gru({ inputSize: i, hiddenSize: 2 }), inputSize: I, numLayers: 2, bidirectional: 'concat' }),
      dense({ inputSize: 4, outputSize: 3 }),
    ];
    check(model(layers, softmaxCrossEntropy()), { x: { data: xData, shape: [B, T, I] }, y: { data: [0, 2, 1], shape: [B] }, lengths });
  });

  it('embedding with a padding index -> LSTM -> per-step softmax with ignored padding targets', () => {
    const tokens = [3, 1, 4, 1, 5, 2, 6, 0, 0, 0, 7, 1, 2, 3, 0];
    const layers = [
      embedding({ vocabSize: 8, embeddingSize: 3, paddingIndex: 0 }),
      recurrent({ cell: lstm({ inputSize: 3, hiddenSize: 4 }), returnSequences: true }),
      dense({ inputSize: 4, outputSize: 5 }),
    ];
    const m = model(layers, softmaxCrossEntropy({ ignoreIndex: -1, classWeights: [1, 2, 1, 0.5, 1] }));
    const batch = {
      x: { data: tokens, shape: [B, T] },
      y: { data: [1, 2, 3, 4, 0, 1, 2, -1, -1, -1, 4, 3, 2, 1, -1], shape: [B, T] },
      lengths: [5, 2, 4],
    };
    m.computeGradients(batch);
    const g = m.backend.read(m.params[0]!.grad);
    expect(Array.from(g.slice(0, 3))).toEqual([0, 0, 0]); // padding row gets no gradient
    expect(Array.from(m.getWeights()['0.embeddings']!.slice(0, 3))).toEqual([0, 0, 0]);
    check(m, batch);
  });

  for (const [name, loss] of [
    ['binary cross-entropy', binaryCrossEntropy()],
    ['mean absolute error', meanAbsoluteError()],
    ['huber', huber({ delta: 0.5 })],
  ] as const)
    it(`loss: ${name}`, () => {
      const layers = [recurrent({ cell: gru({ inputSize: I, hiddenSize: 3 }) }), dense({ inputSize: 3, outputSize: 2 })];
      const y = name === 'binary cross-entropy' ? [1, 0, 0.3, 1, 0, 0.5] : [3, -2, 0.1, 1, -3, 0.2];
      check(model(layers, loss), { x: { data: xData, shape: [B, T, I] }, y: { data: y, shape: [B, 2] } });
    });
});

describe('variable-length sequences', () => {
  for (const [name, make] of cells)
    for (const reverse of [false, true])
      it(`${name}${reverse ? ' reversed' : ''}: a padded batch gives each sample's own outputs and gradients`, () => {
        const b = referenceBackend();
        const H = 3;
        const build = () => recurrent({ cell: make(I, H), returnSequences: true, reverse }).build(b, new Rng(4), 'l') as RecurrentLayer;
        const r = new Rng(8);
        const dyData = Array.from({ length: B * T * H }, () => r.uniform(-1, 1));
        // the whole padded batch
        const layer = build();
        const x = b.tensor([B, T, I], xData);
        const y = b.read(layer.forward(x, { training: true, lengths }));
        const dy = b.tensor([B, T, H], dyData);
        const dx = b.read(layer.backward(dy, true)!);
        const grads = layer.params.map((p) => b.read(p.grad));
        const finals = layer.finalState.map((s) => b.read(s));
        // each sample alone at its own length
        const sumGrads = grads.map((g) => new Float64Array(g.length));
        for (let s = 0; s < B; s++) {
          const L = lengths[s]!;
          const one = build();
          const xs = b.tensor([1, L, I], xData.slice(s * T * I, s * T * I + L * I));
          const ys = b.read(one.forward(xs, { training: true }));
          const dys = b.tensor([1, L, H], dyData.slice(s * T * H, s * T * H + L * H));
          const dxs = b.read(one.backward(dys, true)!);
          for (let i = 0; i < L * H; i++) expect(y[s * T * H + i]).toBeCloseTo(ys[i]!, 12);
          for (let i = L * H; i < T * H; i++) expect(y[s * T * H + i]).toBe(0);
          for (let i = 0; i < L * I; i++) expect(dx[s * T * I + i]).toBeCloseTo(dxs[i]!, 12);
          for (let i = L * I; i < T * I; i++) expect(dx[s * T * I + i]).toBe(0);
          one.finalState.forEach((f, k) => {
            const v = b.read(f);
            for (let j = 0; j < H; j++) expect(finals[k]![s * H + j]).toBeCloseTo(v[j]!, 12);
          });
          one.params.forEach((p, k) => b.read(p.grad).forEach((v, i) => (sumGrads[k]![i]! += v)));
          one.dispose();
          [xs, dys].forEach((t) => b.release(t));
        }
        grads.forEach((g, k) => g.forEach((v, i) => expect(v).toBeCloseTo(sumGrads[k]![i]!, 11)));
        layer.dispose();
        [x, dy].forEach((t) => b.release(t));
        expect(b.stats().tensors).toBe(0);
      });
});

describe('dropout', () => {
  it('is off at inference, seeded, variational over time, and drops about the asked fraction', () => {
    const b = referenceBackend();
    const layer = recurrent({ cell: simpleRnn({ inputSize: 50, hiddenSize: 4 }), dropout: 0.3, returnSequences: true }).build(
      b,
      new Rng(1),
      'l',
    );
    const x = b.tensor([20, 6, 50], new Float64Array(20 * 6 * 50).fill(1));
    const a = b.read(layer.forward(x, { training: false }));
    const again = b.read(layer.forward(x, { training: false }));
    expect(Array.from(a)).toEqual(Array.from(again));
    const d1 = b.read(layer.forward(x, { training: true }));
    expect(Array.from(d1)).not.toEqual(Array.from(a));
    layer.dispose();
    b.release(x);
    // the standalone layer: fraction and scaling
    const dl = dropout({ rate: 0.25 }).build(b, new Rng(3), 'd');
    const ones = b.tensor([10000], new Float64Array(10000).fill(1));
    const out = b.read(dl.forward(ones, { training: true }));
    const zeros = out.filter((v) => v === 0).length;
    expect(zeros / 10000).toBeGreaterThan(0.23);
    expect(zeros / 10000).toBeLessThan(0.27);
    expect(out.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-12)).toBe(true);
    expect(dl.forward(ones, { training: false })).toBe(ones);
    dl.dispose();
    b.release(ones);
  });

  it('the same seed draws the same masks', () => {
    const run = () => {
      const m = model(
        [
          recurrent({ cell: lstm({ inputSize: I, hiddenSize: 3 }), dropout: 0.5, recurrentDropout: 0.5 }),
          dense({ inputSize: 3, outputSize: 1 }),
        ],
        meanSquaredError(),
        9,
      );
      const batch = { x: { data: xData, shape: [B, T, I] }, y: { data: [1, 2, 3], shape: [B, 1] } };
      const losses = [1, 2, 3].map(() => m.trainStep(batch).loss);
      m.dispose();
      return losses;
    };
    expect(run()).toEqual(run());
  });
});

describe('bad configurations get typed errors naming the option', () => {
  it.each([
    ['zero units', () => lstm({ inputSize: 2, hiddenSize: 0 }), /lstm.hiddenSize: expected a positive integer, received 0/],
    [
      'dropout 1',
      () => recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2 }), dropout: 1 }),
      /recurrent.dropout: expected a number in \[0, 1\), received 1/,
    ],
    [
      'negative recurrent dropout',
      () => recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2 }), recurrentDropout: -0.1 }),
      /recurrent.recurrentDropout/,
    ],
    ['dropout layer rate 1.5', () => dropout({ rate: 1.5 }), /dropout.rate: expected a number in \[0, 1\), received 1.5/],
    [
      'unknown merge mode',
      () => bidirectional({ cell: lstm({ inputSize: 2, hiddenSize: 2 }), mergeMode: 'max' as never }),
      /bidirectional.mergeMode: expected one of "concat", "sum", "mul", "average", "none", received "max"/,
    ],
    [
      'zero layers',
      () => stackedRecurrent({ cell: (i) => lstm({ inputSize: i, hiddenSize: 2 }), inputSize: 2, numLayers: 0 }),
      /stackedRecurrent.numLayers: expected a positive integer, received 0/,
    ],
    [
      'padding index out of range',
      () => embedding({ vocabSize: 4, embeddingSize: 2, paddingIndex: 4 }),
      /embedding.paddingIndex: expected an integer in \[0, 3\], received 4/,
    ],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(InvalidArgumentError);
    expect(fn).toThrow(message);
  });

  it('lengths longer than the sequence, or of the wrong count', () => {
    const m = model([recurrent({ cell: lstm({ inputSize: I, hiddenSize: 2 }) }), dense({ inputSize: 2, outputSize: 1 })]);
    const batch = { x: { data: xData, shape: [B, T, I] }, y: { data: [1, 2, 3], shape: [B, 1] } };
    expect(() => m.trainStep({ ...batch, lengths: [5, 6, 1] })).toThrow(
      /lengths\[1\]: expected an integer in \[1, 5\] \(the sequence length\), received 6/,
    );
    expect(() => m.trainStep({ ...batch, lengths: [5, 0, 1] })).toThrow(/lengths\[1\]/);
    expect(() => m.trainStep({ ...batch, lengths: [5, 5] })).toThrow(ShapeError);
    expect(() =>
      m.trainStep(
        { x: { data: xData, shape: [B, T, I] }, y: { data: new Array(B * T).fill(0), shape: [B, T, 1] }, lengths: [5, 5, 5] },
        { truncateAt: 2 },
      ),
    ).toThrow(/truncateAt: expected equal-length sequences/);
    expect(() => m.predict({ data: [1.5, 2], shape: [1, 2] })).toThrow(/x: expected rank 3/);
    m.dispose();
    const e = model([embedding({ vocabSize: 3, embeddingSize: 2 }), recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2 }) })]);
    expect(() => e.predict({ data: [1.5, 2], shape: [1, 2] })).toThrow(/indices\[0\]: expected an integer index in \[0, 2\], received 1.5/);
    e.dispose();
  });
});
