// GEMM throughput (GFLOP/s) of each backend's matrix multiply, in the same run as the workloads. 32x320x1024 is
// one W2 step's [x_t, h_t] x [W; U]; 512x512x512 shows the kernel without small-m overheads. Transposed
// operands (BPTT's weight and input gradients) are timed too: NT and TN.
import { jsBackend } from '@rnn/backend-js';
import { wasmBackend } from '@rnn/backend-wasm';
import type { Backend } from '@rnn/core';
import * as tf from '@tensorflow/tfjs';
import { type MeasureOptions, measure } from './measure.js';

export interface GemmResult {
  impl: string;
  /** m x k x n and the operand layout (N: as stored, T: transposed). */
  size: string;
  ms: number;
  gflops: number;
}

export const GEMM_SIZES: ReadonlyArray<{ m: number; k: number; n: number; op: 'NN' | 'NT' | 'TN' }> = [
  { m: 32, k: 320, n: 1024, op: 'NN' },
  { m: 32, k: 320, n: 1024, op: 'NT' },
  { m: 320, k: 32, n: 1024, op: 'TN' },
  { m: 512, k: 512, n: 512, op: 'NN' },
];

type Multiply = (m: number, k: number, n: number, transA: boolean, transB: boolean) => { run: () => void; dispose: () => void };

function onBackend(backend: Backend): Multiply {
  return (m, k, n, transA, transB) => {
    const a = backend.tensor(
      transA ? [k, m] : [m, k],
      Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 13) / 13 - 0.5),
    );
    const b = backend.tensor(
      transB ? [n, k] : [k, n],
      Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) / 11 - 0.5),
    );
    const c = backend.tensor([m, n]);
    return { run: () => backend.gemm(a, b, c, { transA, transB }), dispose: () => [a, b, c].forEach((t) => backend.release(t)) };
  };
}

function onTfjs(): Multiply {
  return (m, k, n, transA, transB) => {
    const a = tf.randomUniform(transA ? [k, m] : [m, k], -0.5, 0.5) as tf.Tensor2D;
    const b = tf.randomUniform(transB ? [n, k] : [k, n], -0.5, 0.5) as tf.Tensor2D;
    return { run: () => tf.matMul(a, b, transA, transB).dispose(), dispose: () => tf.dispose([a, b]) };
  };
}

export async function runGemm(quick: boolean, log?: (line: string) => void): Promise<GemmResult[]> {
  const timing: MeasureOptions = quick
    ? { warmup: 1, minSamples: 3, maxSamples: 3, budgetMs: 0 }
    : { warmup: 3, minSamples: 9, maxSamples: 30, budgetMs: 2_000 };
  const wasm = wasmBackend();
  const wasmSimd = wasmBackend({ relaxedSimd: false });
  const wasm2 = wasmBackend({ threads: 2 });
  await Promise.all([wasm.ready(), wasmSimd.ready(), wasm2.ready()]);
  const impls: Array<[string, () => Promise<Multiply>]> = [
    ['rnn-js', async () => onBackend(jsBackend())],
    ['rnn-wasm', async () => onBackend(wasm)],
    ['rnn-wasm-simd', async () => onBackend(wasmSimd)],
    ['rnn-wasm-2threads', async () => onBackend(wasm2)],
    ...(['cpu', 'wasm'] as const).map((name): [string, () => Promise<Multiply>] => [
      `tfjs-${name} matMul`,
      async () => {
        await tf.setBackend(name);
        await tf.ready();
        return onTfjs();
      },
    ]),
  ];
  const results: GemmResult[] = [];
  try {
    for (const [impl, make] of impls) {
      const multiply = await make();
      for (const { m, k, n, op } of GEMM_SIZES) {
        log?.(`gemm ${m}x${k}x${n} ${op} ${impl} ...`);
        const g = multiply(m, k, n, op[0] === 'T', op[1] === 'T');
        const reps = quick ? 1 : Math.max(1, Math.round(5e7 / (2 * m * k * n)));
        const t = await measure(() => {
          for (let r = 0; r < reps; r++) g.run();
        }, timing);
        g.dispose();
        const ms = t.min / reps;
        results.push({ impl, size: `${m}x${k}x${n} ${op}`, ms, gflops: (2 * m * k * n) / (ms * 1e6) });
      }
    }
  } finally {
    for (const b of [wasm, wasmSimd, wasm2]) b.dispose();
  }
  return results;
}

/** Rows: implementations; columns: sizes; cells: GFLOP/s. */
export function gemmTable(results: readonly GemmResult[]): string[][] {
  const sizes = [...new Set(results.map((r) => r.size))];
  const impls = [...new Set(results.map((r) => r.impl))];
  return [
    ['GEMM GFLOP/s (m x k x n)', ...sizes],
    ...impls.map((impl) => [impl, ...sizes.map((s) => results.find((r) => r.impl === impl && r.size === s)?.gflops.toFixed(1) ?? '—')]),
  ];
}
