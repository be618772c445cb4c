import { describe, expect, it } from 'vitest';
import { recurrent } from '../../layers/recurrent.js';
import { layerGradCheck } from '../../testing/gradcheck.js';
import { referenceBackend } from '../../testing/reference-backend.js';
import { affine, runCell } from '../golden.test-helpers.js';
import { createCell } from '../index.js';
import { simpleRnn } from './index.js';

describe('simple (Elman) RNN cell', () => {
  for (const activation of ['tanh', 'relu'] as const)
    it(`matches h_t = ${activation}(x_t W_xh + h_{t-1} W_hh + b_h)`, () => {
      const [B, T, I, H] = [2, 5, 3, 2];
      const f = activation === 'tanh' ? Math.tanh : (v: number) => Math.max(0, v);
      const { x, y, w, leaked } = runCell(simpleRnn({ inputSize: I, hiddenSize: H, activation }), B, T);
      expect(leaked).toBe(0);
      for (let b = 0; b < B; b++) {
        let h = [0, 0];
        for (let t = 0; t < T; t++) {
          const xt = x.slice((b * T + t) * I, (b * T + t + 1) * I);
          h = h.map((_, j) => f(affine(xt, w.kernel!, h, w.recurrentKernel!, H, j) + w.bias![j]!));
          for (let j = 0; j < H; j++) expect(y[(b * T + t) * H + j]).toBeCloseTo(h[j]!, 12);
        }
      }
    });

  for (const activation of ['tanh', 'relu'] as const)
    for (const returnSequences of [true, false])
      it(`passes a float64 gradient check (${activation}, returnSequences ${returnSequences})`, () => {
        const b = referenceBackend();
        const r = layerGradCheck(b, recurrent({ cell: simpleRnn({ inputSize: 3, hiddenSize: 4, activation }), returnSequences }), {
          inputShape: [2, 7, 3],
        });
        expect(r.maxRelError).toBeLessThan(1e-4);
      });

  it('only allows tanh or relu, and unknown kinds are rejected by createCell', () => {
    expect(() => simpleRnn({ inputSize: 1, hiddenSize: 1, activation: 'sigmoid' })).toThrow(
      /simpleRnn.activation: expected one of "tanh", "relu", received "sigmoid"/,
    );
    expect(() => createCell({ kind: 'transformer', inputSize: 1, hiddenSize: 1 })).toThrow(
      /config.kind: expected a known cell kind \("rnn", "lstm", "gru"\), received "transformer"/,
    );
    expect(() => createCell({ kind: 'toString', inputSize: 1, hiddenSize: 1 })).toThrow(/config.kind/);
  });
});
