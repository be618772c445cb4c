import { jsBackend } from '@rnn/backend-js';
import {
  gru,
  InvalidArgumentError,
  lstm,
  meanSquaredError,
  NonFiniteError,
  Rng,
  recurrent,
  Sequential,
  ShapeError,
  sgd,
  simpleRnn,
} from '@rnn/core';
import { referenceBackend } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { CELL_KINDS, type CellKind, makeCell } from '../../training/cells.js';
import { CORPUS, charModel, corpusBatch, encode, HIDDEN_SIZE, MAX_INPUT, oneHot, unrollCharModel, VOCAB, WINDOW } from './charlm.js';
import { softmax, unrollCell } from './unroll.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** The cell equations of docs/architecture.md as scalar loops: one step, weights in the canonical [rows, G·H] layouts. */
function referenceStep(
  kind: CellKind,
  w: Record<string, Float64Array>,
  x: readonly number[],
  h: readonly number[],
  c: readonly number[],
): { gates: Record<string, number[]>; h: number[]; c: number[] } {
  const H = h.length;
  const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
  const xw = (j: number): number => x.reduce((s, xi, i) => s + xi * w.kernel![i * G * H + j]!, w.bias![j]!);
  const hu = (j: number): number => h.reduce((s, hi, i) => s + hi * w.recurrentKernel![i * G * H + j]!, 0);
  const units = Array.from({ length: H }, (_, k) => k);
  if (kind === 'rnn') return { gates: {}, h: units.map((k) => Math.tanh(xw(k) + hu(k))), c: [] };
  if (kind === 'lstm') {
    const [i, f, g, o] = [0, 1, 2, 3].map((gate) => units.map((k) => xw(gate * H + k) + hu(gate * H + k)));
    const gates = { i: i!.map(sigmoid), f: f!.map(sigmoid), g: g!.map(Math.tanh), o: o!.map(sigmoid) };
    const cNext = units.map((k) => gates.f[k]! * c[k]! + gates.i[k]! * gates.g[k]!);
    return { gates, h: units.map((k) => gates.o[k]! * Math.tanh(cNext[k]!)), c: cNext };
  }
  const bh = (j: number): number => w.recurrentBias![j]!;
  const z = units.map((k) => sigmoid(xw(k) + hu(k) + bh(k)));
  const r = units.map((k) => sigmoid(xw(H + k) + hu(H + k) + bh(H + k)));
  const n = units.map((k) => Math.tanh(xw(2 * H + k) + r[k]! * (hu(2 * H + k) + bh(2 * H + k))));
  return { gates: { z, r, n }, h: units.map((k) => z[k]! * h[k]! + (1 - z[k]!) * n[k]!), c: [] };
}

function randomWeights(kind: CellKind, I: number, H: number, seed: number): Record<string, Float64Array> {
  const rng = new Rng(seed);
  const cell = makeCell(kind, { inputSize: I, hiddenSize: H });
  return Object.fromEntries(
    cell.params.map((p) => [p.name, Float64Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1))]),
  );
}

const close = (actual: readonly number[], expected: readonly number[], digits = 12): void => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
};

describe('unrolling a cell: golden values', () => {
  it('a one-unit Elman RNN, by hand', () => {
    const b = jsBackend({ dtype: 'float64' });
    const cell = simpleRnn({ inputSize: 1, hiddenSize: 1 });
    const steps = unrollCell(b, cell, { kernel: [0.5], recurrentKernel: [0.8], bias: [0.1] }, [[1], [-1]], {
      kernel: [2, -1],
      bias: [0.5, 0],
    });
    const h1 = Math.tanh(0.5 + 0.1);
    const h2 = Math.tanh(-0.5 + 0.8 * h1 + 0.1);
    close(
      steps.map((s) => s.next.h![0]!),
      [h1, h2],
      14,
    );
    close(
      steps.map((s) => s.prev.h![0]!),
      [0, h1],
      14,
    );
    expect(steps[0]!.gates).toEqual({});
    close(steps[1]!.y!, [2 * h2 + 0.5, -h2]);
    close(steps[1]!.probs!, softmax([2 * h2 + 0.5, -h2]));
    expect(steps[1]!.x).toEqual([-1]);
  });

  for (const kind of CELL_KINDS)
    it(`${kind}: every gate and state of every step equals the scalar equations`, () => {
      const [I, H, T] = [3, 2, 4];
      const b = jsBackend({ dtype: 'float64' });
      const weights = randomWeights(kind, I, H, 11);
      const rng = new Rng(12);
      const inputs = Array.from({ length: T }, () => Array.from({ length: I }, () => rng.uniform(-2, 2)));
      const steps = unrollCell(b, makeCell(kind, { inputSize: I, hiddenSize: H }), weights, inputs);
      let h = [0, 0];
      let c = [0, 0];
      steps.forEach((s, t) => {
        const want = referenceStep(kind, weights, inputs[t]!, h, c);
        close(s.prev.h!, h);
        for (const [name, values] of Object.entries(want.gates)) close(s.gates[name]!, values);
        expect(Object.keys(s.gates)).toEqual(Object.keys(want.gates)); // in the cell's gate order
        close(s.next.h!, want.h);
        if (kind === 'lstm') {
          close(s.prev.c!, c);
          close(s.next.c!, want.c);
          close(s.internals.tc!, want.c.map(Math.tanh)); // tanh(c_t), kept for the backward step
        }
        h = want.h;
        c = want.c;
      });
    });

  it('a reset-before GRU reports r ⊙ h_{t-1} as an internal value', () => {
    const b = jsBackend({ dtype: 'float64' });
    const cell = gru({ inputSize: 2, hiddenSize: 2, resetAfter: false });
    const rng = new Rng(3);
    const weights = Object.fromEntries(
      cell.params.map((p) => [p.name, Array.from({ length: p.shape.reduce((x, y) => x * y, 1) }, () => rng.uniform(-1, 1))]),
    );
    const steps = unrollCell(b, cell, weights, [
      [1, 0],
      [0, 1],
    ]);
    const s = steps[1]!;
    close(
      s.internals.rh!,
      s.gates.r!.map((r, k) => r * s.prev.h![k]!),
    );
  });
});

describe('unrolling the character model equals what the recurrent layer computes', () => {
  const text = 'the cat';
  for (const kind of CELL_KINDS)
    for (const [name, make] of [
      ['js float64 (fused kernels)', () => jsBackend({ dtype: 'float64' })],
      ['reference (composed steps)', () => referenceBackend()],
    ] as const)
      it(`${kind} on ${name}`, () => {
        const backend = make();
        const model = charModel(backend, kind, 5);
        // train a few steps so the values are not those of a symmetric initialisation
        const batch = corpusBatch();
        for (let i = 0; i < 3; i++) model.trainStep(batch);
        const weights = model.getWeights();
        const before = backend.stats().tensors;
        const steps = unrollCharModel(backend, kind, weights, text);
        expect(backend.stats().tensors).toBe(before); // everything the unroll allocated is released
        const T = text.length;
        const V = VOCAB.length;
        const x = { data: Float64Array.from(oneHot(encode(text)).flatMap((r) => [...r])), shape: [1, T, V] };
        // logits y_t for all t from the whole model
        const logits = model.predict(x).data;
        steps.forEach((s, t) => close(s.y!, Array.from(logits.subarray(t * V, (t + 1) * V))));
        // every h_t from the recurrent layer alone, with the same weights
        const cell = makeCell(kind, { inputSize: V, hiddenSize: HIDDEN_SIZE });
        const layer = new Sequential(backend, {
          layers: [recurrent({ cell, returnSequences: true })],
          loss: meanSquaredError(),
          optimizer: sgd({ lr: 0.1 }),
        });
        layer.setWeights(Object.fromEntries(cell.params.map((p) => [`0.${p.name}`, weights[`0.${p.name}`]!])));
        const hs = layer.predict(x).data;
        steps.forEach((s, t) => close(s.next.h!, Array.from(hs.subarray(t * HIDDEN_SIZE, (t + 1) * HIDDEN_SIZE))));
        const final = layer.recurrentLayers[0]!.finalState.map((f) => Array.from(backend.read(f)));
        close(steps.at(-1)!.next.h!, final[0]!);
        if (kind === 'lstm') close(steps.at(-1)!.next.c!, final[1]!);
        layer.dispose();
        model.dispose();
      });
});

describe('bad input', () => {
  const b = jsBackend({ dtype: 'float64' });
  const cell = lstm({ inputSize: 2, hiddenSize: 1 });
  const weights = { kernel: new Float64Array(8), recurrentKernel: new Float64Array(4), bias: new Float64Array(4) };

  it('names the input row, weight or readout at fault, and leaks nothing', () => {
    const before = b.stats().tensors;
    expect(() => unrollCell(b, cell, weights, [])).toThrow(InvalidArgumentError);
    expect(() => unrollCell(b, cell, weights, [[1, 0], [1]])).toThrow(new ShapeError('inputs[1]', '2 values (cell.inputSize)', '1 values'));
    expect(() => unrollCell(b, cell, weights, [[1, Number.NaN]])).toThrow(NonFiniteError);
    expect(() => unrollCell(b, cell, { ...weights, bias: new Float64Array(3) }, [[1, 0]])).toThrow(
      /weights\.bias: expected 4 values \(shape \[4\]\), received 3 values/,
    );
    const { recurrentKernel: _, ...missing } = weights;
    expect(() => unrollCell(b, cell, missing, [[1, 0]])).toThrow(
      /weights\.recurrentKernel: expected 4 values for shape \[1, 4\], received undefined/,
    );
    expect(() => unrollCell(b, cell, weights, [[1, 0]], { kernel: [1, 2, 3], bias: [0, 0] })).toThrow(
      /readout\.kernel: expected 2 values \(\[1, 2\]\), received 3 values/,
    );
    expect(b.stats().tensors).toBe(before);
  });

  it('accepts only 1 to MAX_INPUT characters of the vocabulary', () => {
    expect(encode('the')).toEqual([...'the'].map((ch) => VOCAB.indexOf(ch)));
    expect(() => encode('')).toThrow(/text: expected 1 to 8 characters, received ""/);
    expect(() => encode('x'.repeat(MAX_INPUT + 1))).toThrow(InvalidArgumentError);
    expect(() => encode('thez')).toThrow(`text[3]: expected one of the characters "${VOCAB.join('')}", received "z"`);
    const w = charModel(b, 'rnn', 1).getWeights();
    expect(() => unrollCharModel(b, 'lstm', w, 'the')).toThrow(/^weights\.kernel: expected \d+ values/);
    expect(() => unrollCharModel(b, 'gru', w, 'the')).toThrow(
      /^weights\["0\.recurrentBias"\]: expected the gru model's parameter, received undefined$/,
    );
  });
});

describe('character data', () => {
  it('pairs every corpus window with the characters that follow', () => {
    const { x, y } = corpusBatch();
    const [xs, ys] = [x.data as Float32Array, y.data as Int32Array];
    const N = CORPUS.length;
    const V = VOCAB.length;
    expect(x.shape).toEqual([N, WINDOW, V]);
    expect(y.shape).toEqual([N, WINDOW]);
    const charAt = (n: number, t: number): string => VOCAB[xs.subarray((n * WINDOW + t) * V, (n * WINDOW + t + 1) * V).indexOf(1)]!;
    expect(Array.from({ length: WINDOW }, (_, t) => charAt(0, t)).join('')).toBe(CORPUS.slice(0, WINDOW));
    expect(Array.from(ys.subarray(0, WINDOW), (id) => VOCAB[id]).join('')).toBe(CORPUS.slice(1, WINDOW + 1));
    // the last window wraps around the end of the corpus
    expect(VOCAB[ys[(N - 1) * WINDOW]!]).toBe(CORPUS[0]);
  });
});
