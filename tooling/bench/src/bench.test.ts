// Smoke test: the whole benchmark at toy sizes completes, and every implementation's loss falls.
// No timing is asserted.
import { describe, expect, it } from 'vitest';
import { runBench } from './bench.js';
import { markdown, textTable } from './report.js';
import { allImplementations } from './run.js';
import { workloads } from './workloads.js';

describe('benchmark (quick mode)', () => {
  it('runs every workload on every implementation, with falling losses and a ratio table', async () => {
    const report = await runBench({ quick: true, workloads: workloads(true), impls: allImplementations() });
    for (const r of report.results) {
      expect(r.error, `${r.workload} ${r.impl}`).toBeUndefined();
      if (r.skipped) continue;
      expect(r.forward!.min).toBeGreaterThan(0);
      if (r.workload !== 'generate') expect(r.loss?.decreased, `${r.workload} ${r.impl} loss ${JSON.stringify(r.loss)}`).toBe(true);
    }
    expect(report.results.filter((r) => r.skipped).map((r) => `${r.workload} ${r.impl}`)).toEqual([
      'charlm tfjs-layers-wasm',
      'charlm brain.js',
      'generate brain.js',
    ]);
    const table = textTable(report);
    expect(table).toContain('train vs tfjs-wasm');
    expect(markdown(report)).toContain('| W2 | rnn-js |');
    // GEMM throughput of every backend, positive and finite
    expect(new Set(report.gemm!.map((g) => g.impl))).toEqual(
      new Set(['rnn-js', 'rnn-wasm', 'rnn-wasm-simd', 'rnn-wasm-2threads', 'tfjs-cpu matMul', 'tfjs-wasm matMul']),
    );
    for (const g of report.gemm!) expect(Number.isFinite(g.gflops) && g.gflops > 0, `${g.impl} ${g.size}`).toBe(true);
    expect(markdown(report)).toContain('| GEMM GFLOP/s (m x k x n) | 32x320x1024 NN |');
  });
});
