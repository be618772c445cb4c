// The threads builds (plain and relaxed SIMD): workers on a shared memory split the large GEMMs by rows. Each
// thread's rows start at a multiple of the 4-row tile and every element is summed in the same order, so the
// results equal the single-threaded build of the same SIMD flavour bit for bit (deterministic for any thread count).
import { adam, dense, gru, lstm, meanSquaredError, Rng, recurrent, Sequential, simpleRnn } from '@rnn/core';
import { conformanceCases } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { relaxedSimdSupported, threadsSupported, wasmBackend } from './index.js';

const d = threadsSupported() ? describe : describe.skip;

/** Index of the first element whose bits differ, or -1 (vitest's deep equality is slow on large arrays). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

// The vitest project runs Node with --experimental-wasm-relaxed-simd, so both flavours are exercised here.
const FLAVOURS = [false, ...(relaxedSimdSupported() ? [true] : [])];

d('threads build conformance (threads: 2)', () => {
  it('auto picks the relaxed threads build where relaxed SIMD is supported', () =>
    expect(wasmBackend({ threads: 2 }).name).toBe(relaxedSimdSupported() ? 'wasm-relaxed-simd-threads' : 'wasm-simd-threads'));
  for (const relaxedSimd of FLAVOURS) {
    it(`relaxedSimd ${relaxedSimd}: ${relaxedSimd ? 'wasm-relaxed-simd-threads' : 'wasm-simd-threads'}`, () =>
      expect(wasmBackend({ threads: 2, relaxedSimd }).name).toBe(relaxedSimd ? 'wasm-relaxed-simd-threads' : 'wasm-simd-threads'));
    for (const c of conformanceCases(() => wasmBackend({ threads: 2, relaxedSimd }))) it(`relaxedSimd ${relaxedSimd}: ${c.name}`, c.run);
  }
});

d.each(FLAVOURS)('threads (relaxedSimd %s): results equal the single-threaded build exactly', (relaxedSimd) => {
  it('a large GEMM in every transpose combination', async () => {
    const one = wasmBackend({ relaxedSimd });
    const two = wasmBackend({ threads: 2, relaxedSimd });
    const three = wasmBackend({ threads: 3, relaxedSimd });
    await Promise.all([one.ready(), two.ready(), three.ready()]);
    const rng = new Rng(4);
    const [m, n, k] = [301, 517, 263];
    const A = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
    const Bm = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
    const bias = Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const results = [one, two, three].map((b) => {
          const a = b.tensor(transA ? [k, m] : [m, k], A);
          const x = b.tensor(transB ? [n, k] : [k, n], Bm);
          const c = b.tensor([m, n], new Float32Array(m * n).fill(0.5));
          const bs = b.tensor([n], bias);
          b.gemm(a, x, c, { transA, transB, alpha: 0.7, beta: 0.3, bias: bs });
          const r = b.read(c);
          [a, x, c, bs].forEach((t) => b.release(t));
          return r;
        });
        expect(firstDifference(results[1]!, results[0]!)).toBe(-1);
        expect(firstDifference(results[2]!, results[0]!)).toBe(-1);
      }
    [one, two, three].forEach((b) => b.dispose());
  });

  // hidden sizes large enough for each cell's per-step work to be split across threads
  const CELLS = {
    lstm: (I: number) => lstm({ inputSize: I, hiddenSize: 64 }),
    'gru reset-before': (I: number) => gru({ inputSize: I, hiddenSize: 80, resetAfter: false }),
    'gru reset-after': (I: number) => gru({ inputSize: I, hiddenSize: 80 }),
    rnn: (I: number) => simpleRnn({ inputSize: I, hiddenSize: 128 }),
  };
  for (const [cell, make] of Object.entries(CELLS))
    it(`training steps of a ${cell} model (fused kernels with split projections, steps split by batch rows, weight-gradient GEMMs)`, async () => {
      const run = async (threads: number) => {
        const b = wasmBackend({ threads, relaxedSimd });
        await b.ready();
        const [B, T, I] = [32, 12, 40];
        const c = make(I);
        const H = c.hiddenSize;
        const model = new Sequential(b, {
          layers: [recurrent({ cell: c, returnSequences: true }), dense({ inputSize: H, outputSize: I })],
          loss: meanSquaredError(),
          optimizer: adam({ lr: 1e-3 }),
          seed: 1,
        });
        const rng = new Rng(2);
        const batch = {
          x: { data: Array.from({ length: B * T * I }, () => rng.uniform(-1, 1)), shape: [B, T, I] },
          y: { data: Array.from({ length: B * T * I }, () => rng.uniform(-1, 1)), shape: [B, T, I] },
          lengths: Array.from({ length: B }, (_, i) => 1 + ((i * 5) % T)),
        };
        const losses = [0, 1, 2].map(() => model.trainStep(batch).loss);
        const weights = model.getWeights();
        model.dispose();
        b.dispose();
        return { losses, weights };
      };
      const single = await run(1);
      const double = await run(2);
      expect(double.losses).toEqual(single.losses);
      const again = await run(2);
      for (const [name, w] of Object.entries(single.weights)) {
        expect(firstDifference(double.weights[name]!, w), name).toBe(-1);
        expect(firstDifference(again.weights[name]!, w), name).toBe(-1);
      }
    });
});
