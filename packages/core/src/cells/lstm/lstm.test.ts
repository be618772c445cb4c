import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { recurrent } from '../../layers/recurrent.js';
import { layerGradCheck } from '../../testing/gradcheck.js';
import { referenceBackend } from '../../testing/reference-backend.js';
import { affine, runCell, sig } from '../golden.test-helpers.js';
import { createCell } from '../index.js';
import { lstm } from './index.js';

describe('lstm cell', () => {
  it('matches the LSTM equations step by step (i, f, g, o gate order)', () => {
    const [B, T, I, H] = [2, 4, 3, 2];
    const { x, y, w, leaked } = runCell(lstm({ inputSize: I, hiddenSize: H }), B, T);
    expect(leaked).toBe(0);
    for (let b = 0; b < B; b++) {
      let h = [0, 0];
      let c = [0, 0];
      for (let t = 0; t < T; t++) {
        const xt = x.slice((b * T + t) * I, (b * T + t + 1) * I);
        const a = (j: number) => affine(xt, w.kernel!, h, w.recurrentKernel!, 4 * H, j) + w.bias![j]!;
        const nc = c.map((cp, j) => sig(a(H + j)) * cp + sig(a(j)) * Math.tanh(a(2 * H + j)));
        h = nc.map((cv, j) => sig(a(3 * H + j)) * Math.tanh(cv));
        c = nc;
        for (let j = 0; j < H; j++) expect(y[(b * T + t) * H + j]).toBeCloseTo(h[j]!, 12);
      }
    }
  });

  it('initialises the forget-gate bias to 1 (or forgetBias) and other biases to 0', () => {
    const { w } = runCell(lstm({ inputSize: 2, hiddenSize: 3 }), 1, 1);
    expect(Array.from(w.bias!)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const off = runCell(lstm({ inputSize: 2, hiddenSize: 3, forgetBias: 0 }), 1, 1).w;
    expect(Array.from(off.bias!).every((v) => v === 0)).toBe(true);
    expect(Array.from(runCell(lstm({ inputSize: 2, hiddenSize: 1, forgetBias: 3 }), 1, 1).w.bias!)).toEqual([0, 3, 0, 0]);
    expect(() => lstm({ inputSize: 2, hiddenSize: 1, forgetBias: Number.NaN })).toThrow(
      /lstm.forgetBias: expected a finite number, received NaN/,
    );
  });

  for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const)
    for (const returnSequences of [true, false])
      it(`passes a float64 gradient check (${recurrentActivation}, returnSequences ${returnSequences})`, () => {
        const b = referenceBackend();
        const cell = lstm({ inputSize: 3, hiddenSize: 4, recurrentActivation });
        const r = layerGradCheck(b, recurrent({ cell, returnSequences }), { inputShape: [2, 6, 3] });
        expect(r.maxRelError).toBeLessThan(1e-4);
        expect(b.stats().tensors).toBe(0);
      });

  it('round-trips through its config and rejects bad options', () => {
    const cell = lstm({ inputSize: 3, hiddenSize: 4, recurrentActivation: 'hardSigmoid' });
    expect(createCell(cell.toConfig()).toConfig()).toEqual(cell.toConfig());
    expect(() => lstm({ inputSize: 0, hiddenSize: 4 })).toThrow(/lstm.inputSize: expected a positive integer, received 0/);
    expect(() => lstm({ inputSize: 3, hiddenSize: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => lstm({ inputSize: 3, hiddenSize: 4, activation: 'swish' as never })).toThrow(/lstm.activation: expected one of/);
  });
});
