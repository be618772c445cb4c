import { conformanceCases } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { relaxedSimdSupported, wasmBackend } from './index.js';

describe('backend-wasm conformance (default build)', () => {
  it('picks the relaxed-SIMD build when the engine supports it', () => {
    expect(wasmBackend().name).toBe(relaxedSimdSupported() ? 'wasm-relaxed-simd' : 'wasm-simd');
  });
  for (const c of conformanceCases(() => wasmBackend())) it(c.name, c.run);
});

describe('backend-wasm conformance (plain SIMD build, relaxed SIMD off)', () => {
  it('is the plain SIMD build', () => expect(wasmBackend({ relaxedSimd: false }).name).toBe('wasm-simd'));
  for (const c of conformanceCases(() => wasmBackend({ relaxedSimd: false }))) it(c.name, c.run);
});
