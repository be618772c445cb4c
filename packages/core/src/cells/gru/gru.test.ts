import { describe, expect, it } from 'vitest';
import { recurrent } from '../../layers/recurrent.js';
import { layerGradCheck } from '../../testing/gradcheck.js';
import { referenceBackend } from '../../testing/reference-backend.js';
import { affine, runCell, sig } from '../golden.test-helpers.js';
import { createCell } from '../index.js';
import { gru } from './index.js';

describe('gru cell', () => {
  for (const resetAfter of [true, false])
    it(`matches the GRU equations (z, r, n order, resetAfter ${resetAfter})`, () => {
      const [B, T, I, H] = [2, 4, 3, 2];
      const { x, y, w, leaked } = runCell(gru({ inputSize: I, hiddenSize: H, resetAfter }), B, T);
      expect(leaked).toBe(0);
      const G = 3 * H;
      const zero = [0, 0];
      for (let b = 0; b < B; b++) {
        let h = [0, 0];
        for (let t = 0; t < T; t++) {
          const xt = x.slice((b * T + t) * I, (b * T + t + 1) * I);
          const ax = (j: number) => affine(xt, w.kernel!, zero, w.recurrentKernel!, G, j) + w.bias![j]!;
          const ah = (hv: number[], j: number) =>
            affine([], w.kernel!, hv, w.recurrentKernel!, G, j) + (resetAfter ? w.recurrentBias![j]! : 0);
          const z = h.map((_, j) => sig(ax(j) + ah(h, j)));
          const r = h.map((_, j) => sig(ax(H + j) + ah(h, H + j)));
          const rh = h.map((hv, j) => r[j]! * hv);
          const n = h.map((_, j) => Math.tanh(ax(2 * H + j) + (resetAfter ? r[j]! * ah(h, 2 * H + j) : ah(rh, 2 * H + j))));
          h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * n[j]!);
          for (let j = 0; j < H; j++) expect(y[(b * T + t) * H + j]).toBeCloseTo(h[j]!, 12);
        }
      }
    });

  it('has two biases with resetAfter (PyTorch / Keras 3) and one without (TF.js)', () => {
    expect(gru({ inputSize: 2, hiddenSize: 3 }).params.map((p) => p.name)).toEqual(['kernel', 'recurrentKernel', 'bias', 'recurrentBias']);
    expect(gru({ inputSize: 2, hiddenSize: 3, resetAfter: false }).params.map((p) => p.name)).toEqual([
      'kernel',
      'recurrentKernel',
      'bias',
    ]);
  });

  for (const resetAfter of [true, false])
    for (const returnSequences of [true, false])
      it(`passes a float64 gradient check (resetAfter ${resetAfter}, returnSequences ${returnSequences})`, () => {
        const b = referenceBackend();
        const cell = gru({ inputSize: 3, hiddenSize: 4, resetAfter });
        const r = layerGradCheck(b, recurrent({ cell, returnSequences }), { inputShape: [2, 6, 3] });
        expect(r.maxRelError).toBeLessThan(1e-4);
        expect(b.stats().tensors).toBe(0);
      });

  it('round-trips through its config', () => {
    const cell = gru({ inputSize: 3, hiddenSize: 4, resetAfter: false });
    expect(createCell(cell.toConfig()).toConfig()).toEqual(cell.toConfig());
  });
});
