// Hand values for every activation on the reference backend (the oracle every backend is compared with).
import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../testing/reference-backend.js';
import { ACTIVATIONS, type Activation } from './contract.js';

const x = [-4, -3, -2.5, -1, 0, 0.3, 1.5, 2.5, 3, 4];
const expected: Record<Activation, number[]> = {
  tanh: x.map(Math.tanh),
  sigmoid: x.map((v) => 1 / (1 + Math.exp(-v))),
  relu: [0, 0, 0, 0, 0, 0.3, 1.5, 2.5, 3, 4],
  // Keras 2 / TF.js: clip(0.2x + 0.5, 0, 1)
  hardSigmoid: [0, 0, 0, 0.3, 0.5, 0.56, 0.8, 1, 1, 1],
  linear: x,
  // Keras 3 / PyTorch Hardsigmoid: relu6(x + 3) / 6
  hardSigmoid6: [0, 0, 1 / 12, 1 / 3, 0.5, 0.55, 0.75, 11 / 12, 1, 1],
};
// f'(x): hard sigmoids have slope 0.2 and 1/6 strictly inside their linear segment.
const slope: Record<Activation, (v: number) => number> = {
  tanh: (v) => 1 - Math.tanh(v) ** 2,
  sigmoid: (v) => expected.sigmoid[x.indexOf(v)]! * (1 - expected.sigmoid[x.indexOf(v)]!),
  relu: (v) => (v > 0 ? 1 : 0),
  hardSigmoid: (v) => (Math.abs(v) < 2.5 ? 0.2 : 0),
  linear: () => 1,
  hardSigmoid6: (v) => (Math.abs(v) < 3 ? 1 / 6 : 0),
};

describe('activations (reference backend)', () => {
  const b = referenceBackend();
  it.each(ACTIVATIONS)('%s: values and derivative', (kind) => {
    const X = b.tensor([x.length], x);
    const Y = b.tensor([x.length]);
    const D = b.tensor([x.length], new Array(x.length).fill(1));
    const G = b.tensor([x.length]);
    b.activation(kind, X, Y);
    b.activationGrad(kind, Y, D, G);
    const y = b.read(Y);
    const g = b.read(G);
    x.forEach((v, i) => {
      expect(y[i], `${kind}(${v})`).toBeCloseTo(expected[kind][i]!, 12);
      expect(g[i], `${kind}'(${v})`).toBeCloseTo(slope[kind](v), 12);
    });
    for (const t of [X, Y, D, G]) b.release(t);
  });
});
