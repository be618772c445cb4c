// GEMM against a naive float64 loop: every transpose combination, odd sizes, sizes that cross the kernel's
// blocking (k > 256, m > 128, n > 512), the few-rows path (m < 4), alpha, beta and bias.
import { Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';

function naive(
  m: number,
  n: number,
  k: number,
  A: ArrayLike<number>,
  transA: boolean,
  B: ArrayLike<number>,
  transB: boolean,
  C: ArrayLike<number>,
  alpha: number,
  beta: number,
  bias: ArrayLike<number> | null,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? A[p * m + i]! : A[i * k + p]!) * (transB ? B[j * k + p]! : B[p * n + j]!);
      out[i * n + j] = alpha * s + beta * C[i * n + j]! + (bias ? bias[j]! : 0);
    }
  return out;
}

const sizes: [number, number, number][] = [
  [1, 1, 1],
  [1, 37, 300],
  [2, 9, 13],
  [3, 520, 17],
  [4, 8, 8],
  [5, 11, 7],
  [33, 65, 31],
  [131, 19, 260],
  [7, 531, 45],
  [140, 530, 270],
  [2, 3, 40_000], // few rows with a long strided (transposed) row: copied in chunks
];

describe.each([
  ['relaxed SIMD when available', {}],
  ['plain SIMD', { relaxedSimd: false as const }],
])('gemm (%s)', (_label, options) => {
  for (const [m, n, k] of sizes)
    for (const transA of [false, true])
      for (const transB of [false, true])
        it(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`, async () => {
          const b = wasmBackend(options);
          await b.ready();
          const rng = new Rng(m * 1000 + n * 10 + k);
          const r = (len: number) => Float64Array.from({ length: len }, () => rng.uniform(-1, 1));
          const [A, B, C, bias] = [r(m * k), r(k * n), r(m * n), r(n)];
          const tA = b.tensor(transA ? [k, m] : [m, k], A);
          const tB = b.tensor(transB ? [n, k] : [k, n], B);
          for (const [alpha, beta, withBias] of [
            [1, 0, false],
            [0.5, 0.75, true],
            [-2, 1, false],
          ] as const) {
            const tC = b.tensor([m, n], C);
            const tBias = withBias ? b.tensor([n], bias) : undefined;
            b.gemm(tA, tB, tC, { transA, transB, alpha, beta, bias: tBias });
            const expected = naive(m, n, k, A, transA, B, transB, C, alpha, beta, withBias ? bias : null);
            const got = b.read(tC);
            let worst = 0;
            for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
            expect(worst).toBeLessThan(2e-5 * Math.sqrt(k));
            b.release(tC);
            if (tBias) b.release(tBias);
          }
          b.release(tA);
          b.release(tB);
          expect(b.stats().tensors).toBe(0);
          b.dispose();
        });
});

it('beta 0 overwrites NaN in the output', async () => {
  const b = wasmBackend();
  await b.ready();
  const a = b.tensor(
    [5, 3],
    Array.from({ length: 15 }, (_, i) => i),
  );
  const x = b.tensor(
    [3, 6],
    Array.from({ length: 18 }, (_, i) => i - 9),
  );
  const c = b.tensor([5, 6], new Array(30).fill(Number.NaN));
  b.gemm(a, x, c);
  expect(Array.from(b.read(c)).every(Number.isFinite)).toBe(true);
  b.dispose();
});
