// Sequential.inputGradient: dLoss/dInput checked against central differences of the inference-mode loss in
// float64, for each cell, with padding, a bidirectional layer and dropout (which the gradient must ignore).
import { describe, expect, it } from 'vitest';
import type { Cell } from '../cells/cell.js';
import { gru, lstm, simpleRnn } from '../cells/index.js';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { bidirectional } from '../layers/bidirectional.js';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { embedding } from '../layers/embedding.js';
import type { LayerDef } from '../layers/layer.js';
import { recurrent } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { meanSquaredError, softmaxCrossEntropy } from './losses.js';
import { type Batch, Sequential } from './model.js';
import { sgd } from './optimizers.js';

const [B, T, I, H] = [2, 5, 3, 4];

function batch(seed: number, perStep: boolean): Batch {
  const rng = new Rng(seed);
  return {
    x: { data: Array.from({ length: B * T * I }, () => rng.uniform(-1, 1)), shape: [B, T, I] },
    y: perStep
      ? { data: Array.from({ length: B * T }, () => Math.floor(rng.uniform(0, 3))), shape: [B, T] }
      : { data: Array.from({ length: B }, () => rng.uniform(-1, 1)), shape: [B, 1] },
  };
}

/** Central differences of the inference-mode loss with respect to every input value. */
function numericGradient(model: Sequential, b: Batch, eps = 1e-6): number[] {
  const x = Array.from(b.x.data);
  return x.map((v, i) => {
    const at = (d: number) => {
      const data = x.slice();
      data[i] = v + d;
      return model.lossOn({ ...b, x: { data, shape: b.x.shape } });
    };
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}

const model = (layers: LayerDef[], perStep: boolean) =>
  new Sequential(referenceBackend(), {
    layers,
    loss: perStep ? softmaxCrossEntropy() : meanSquaredError(),
    optimizer: sgd({ lr: 0.1 }),
    seed: 3,
  });

const cells: [string, () => Cell][] = [
  ['rnn', () => simpleRnn({ inputSize: I, hiddenSize: H })],
  ['lstm', () => lstm({ inputSize: I, hiddenSize: H })],
  ['gru', () => gru({ inputSize: I, hiddenSize: H })],
  ['gru reset-before', () => gru({ inputSize: I, hiddenSize: H, resetAfter: false })],
];

function expectClose(actual: ArrayLike<number>, want: readonly number[]): void {
  expect(actual).toHaveLength(want.length);
  const scale = Math.max(1e-3, ...want.map(Math.abs));
  want.forEach((w, i) => expect(Math.abs(actual[i]! - w) / scale, `element ${i}`).toBeLessThan(1e-6));
}

describe('Sequential.inputGradient', () => {
  for (const [name, cell] of cells) {
    it(`${name}: equals central differences, sequence and last-step outputs`, () => {
      for (const perStep of [true, false]) {
        const m = model(
          [recurrent({ cell: cell(), returnSequences: perStep }), dense({ inputSize: H, outputSize: perStep ? 3 : 1 })],
          perStep,
        );
        const b = batch(7, perStep);
        const { loss, gradient } = m.inputGradient(b);
        expect(gradient.shape).toEqual([B, T, I]);
        expect(loss).toBeCloseTo(m.lossOn(b), 12);
        expectClose(gradient.data, numericGradient(m, b));
        m.dispose();
      }
    });
  }

  it('respects lengths: padded steps get a zero gradient', () => {
    const m = model(
      [recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true }), dense({ inputSize: H, outputSize: 3 })],
      true,
    );
    const b = { ...batch(8, true), lengths: [T, 2] };
    const { gradient } = m.inputGradient(b);
    expectClose(gradient.data, numericGradient(m, b));
    for (let t = 2; t < T; t++) for (let i = 0; i < I; i++) expect(gradient.data[(T + t) * I + i]).toBe(0);
    m.dispose();
  });

  it('through a bidirectional layer, ignoring dropout (inference mode)', () => {
    const m = model(
      [
        dropout({ rate: 0.5 }),
        bidirectional({ cell: gru({ inputSize: I, hiddenSize: H }), returnSequences: false, dropout: 0.3, recurrentDropout: 0.3 }),
        dense({ inputSize: 2 * H, outputSize: 1 }),
      ],
      false,
    );
    const b = batch(9, false);
    const first = m.inputGradient(b);
    expectClose(first.gradient.data, numericGradient(m, b));
    expect(Array.from(m.inputGradient(b).gradient.data)).toEqual(Array.from(first.gradient.data)); // no random masks
    m.dispose();
  });

  it('to the input of a later layer: an embedding model, by the vectors the embedding produced', () => {
    const E = I;
    const ids = [1, 4, 2, 0, 3, 3, 1, 2, 4, 0];
    const y = { data: [0, 2, 1, 1, 0, 2, 2, 1, 0, 1], shape: [B, T] };
    const rec = () => [
      recurrent({ cell: lstm({ inputSize: E, hiddenSize: H }), returnSequences: true }),
      dense({ inputSize: H, outputSize: 3 }),
    ];
    const withEmbedding = model([embedding({ vocabSize: 5, embeddingSize: E }), ...rec()], true);
    const tail = model(rec(), true);
    const w = withEmbedding.getWeights();
    tail.setWeights({
      '0.kernel': w['1.kernel']!,
      '0.recurrentKernel': w['1.recurrentKernel']!,
      '0.bias': w['1.bias']!,
      '1.kernel': w['2.kernel']!,
      '1.bias': w['2.bias']!,
    });
    const table = w['0.table'] ?? w['0.embeddings']!;
    const vectors = ids.flatMap((id) => Array.from(table.subarray(id * E, (id + 1) * E)));
    const viaEmbedding = withEmbedding.inputGradient({ x: { data: ids, shape: [B, T] }, y }, { layer: 1 });
    const direct = tail.inputGradient({ x: { data: vectors, shape: [B, T, E] }, y });
    expect(viaEmbedding.gradient.shape).toEqual([B, T, E]);
    expectClose(viaEmbedding.gradient.data, Array.from(direct.gradient.data));
    expect(() => withEmbedding.inputGradient({ x: { data: ids, shape: [B, T] }, y })).toThrow(UnsupportedError);
    expect(() => withEmbedding.inputGradient({ x: { data: ids, shape: [B, T] }, y }, { layer: 3 })).toThrow(
      new InvalidArgumentError('layer', 'an integer in [0, 2] (a layer index)', 3),
    );
    withEmbedding.dispose();
    tail.dispose();
  });
});
