#!/usr/bin/env node
// GEMM throughput through the public API (after `pnpm build`): node scripts/gemm-bench.mjs [threads]
// Relaxed SIMD on Node 20: node --experimental-wasm-relaxed-simd scripts/gemm-bench.mjs
// Sizes are m x k x n (C[m, n] = A[m, k] B[k, n]); 32x320x1024 is one W2 step's [x, h] x [W; U].
import { wasmBackend } from '../dist/index.js';

const threads = Number(process.argv[2] ?? 1);
const backend = wasmBackend(threads > 1 ? { threads } : {});
await backend.ready();
const sizes = [
  [1, 96, 256],
  [32, 320, 1024],
  [32, 256, 1024],
  [2048, 64, 1024],
  [512, 512, 512],
];
const random = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
for (const [m, k, n] of sizes)
  for (const [transA, transB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const a = backend.tensor(transA ? [k, m] : [m, k], random(m * k));
    const b = backend.tensor(transB ? [n, k] : [k, n], random(k * n));
    const c = backend.tensor([m, n]);
    const run = () => backend.gemm(a, b, c, { transA, transB });
    const reps = Math.max(1, Math.round(2e8 / (2 * m * n * k)));
    run();
    let best = Number.POSITIVE_INFINITY;
    for (let s = 0; s < 9; s++) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) run();
      best = Math.min(best, (performance.now() - t0) / reps);
    }
    const op = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
    console.log(
      `${backend.name} ${m}x${k}x${n} ${op}: ${((2 * m * n * k) / best / 1e6).toFixed(1)} GFLOP/s (${(best * 1000).toFixed(0)} us)`,
    );
    for (const t of [a, b, c]) backend.release(t);
  }
backend.dispose();
