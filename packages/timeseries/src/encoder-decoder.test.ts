import { jsBackend } from '@rnn/backend-js';
import { adam, meanSquaredError, Rng, Sequential, ShapeError } from '@rnn/core';
import { layerGradCheck, referenceBackend } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { encoderDecoder } from './encoder-decoder.js';

describe('encoderDecoder', () => {
  for (const cell of ['gru', 'lstm', 'rnn'] as const)
    for (const [decoderInputSize, layers] of [
      [2, 1],
      [0, 2],
      [3, 1],
    ] as const)
      it(`${cell}, ${decoderInputSize} decoder inputs, ${layers} layer(s): gradients match central differences (float64, fused and composed)`, () => {
        for (const backend of [jsBackend({ dtype: 'float64' }), referenceBackend()]) {
          const def = encoderDecoder({ cell, inputSize: 3, decoderInputSize, hiddenSize: 4, layers, lookback: 3, horizon: 2 });
          const r = layerGradCheck(backend, def, { inputShape: [2, 5, 3], seed: 3 });
          expect(r.maxRelError).toBeLessThan(1e-5);
          expect(r.checked).toBeGreaterThan(50);
          expect(backend.stats().tensors).toBe(0);
        }
      });

  it('the decoder starts from the encoder state: the first input step reaches every forecast step', () => {
    const b = jsBackend({ dtype: 'float64' });
    const model = new Sequential(b, {
      layers: [encoderDecoder({ cell: 'lstm', inputSize: 2, decoderInputSize: 1, hiddenSize: 5, lookback: 4, horizon: 3 })],
      loss: meanSquaredError(),
      optimizer: adam(),
      seed: 3,
    });
    const rng = new Rng(1);
    const x = Float64Array.from({ length: 7 * 2 }, () => rng.uniform(-1, 1));
    const base = model.predict({ data: x, shape: [1, 7, 2] }).data;
    const early = x.slice();
    early[0] = early[0]! + 1; // encoder step 0 only
    const moved = model.predict({ data: early, shape: [1, 7, 2] }).data;
    for (let h = 0; h < 3; h++) expect(Math.abs(moved[h]! - base[h]!)).toBeGreaterThan(1e-6);
    const ignored = x.slice();
    ignored[2 * 5] = ignored[2 * 5]! + 1; // a decoder step's leading column: not read
    expect(model.predict({ data: ignored, shape: [1, 7, 2] }).data).toEqual(base);
    expect(() => model.predict({ data: x.subarray(0, 12), shape: [1, 6, 2] })).toThrow(ShapeError);
    expect(() => model.predict({ data: x.subarray(0, 12), shape: [1, 6, 2] })).toThrow(
      'x.shape: expected [batch, 7 (lookback + horizon), 2], received [1, 6, 2]',
    );
    expect(() => encoderDecoder({ inputSize: 2, decoderInputSize: 3, hiddenSize: 4, lookback: 2, horizon: 1 })).toThrow(
      'encoderDecoder.decoderInputSize: expected at most inputSize (2), received 3',
    );
    model.dispose();
    expect(b.stats().tensors).toBe(0);
  });
});
