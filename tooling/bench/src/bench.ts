// Runs every (workload, implementation) case in one process and collects timings, throughput and the
// loss check. Ratios are computed by the report from the same run.
import { arch, cpus, platform, totalmem } from 'node:os';
import { type GemmResult, runGemm } from './gemm.js';
import type { Implementation } from './impls/types.js';
import { type MeasureOptions, measure, type Timing } from './measure.js';
import { forwardFlops, type Workload } from './workloads.js';

export interface CaseResult {
  workload: string;
  impl: string;
  skipped?: string;
  forward?: Timing;
  train?: Timing;
  /** GFLOP/s at the minimum times, by the FLOP model. */
  gflops?: { forward: number; train?: number };
  /** Mean loss of the first two and the last two training steps on the fixed batch, and whether it fell. */
  loss?: { first: number; last: number; decreased: boolean };
  error?: string;
}

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string };
  versions: Record<string, string>;
  workloads: Workload[];
  results: CaseResult[];
  /** Matrix-multiply throughput of each backend (absent in reports made before it was measured). */
  gemm?: GemmResult[];
}

export interface BenchOptions {
  quick: boolean;
  workloads: Workload[];
  impls: Implementation[];
  log?: (line: string) => void;
  /** Also time the backends' GEMMs. Default true. */
  gemm?: boolean;
}

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const timing: MeasureOptions = o.quick
    ? { warmup: 1, minSamples: 9, maxSamples: 9, budgetMs: 0 }
    : { warmup: 2, minSamples: 4, maxSamples: 9, budgetMs: 15_000 };
  const results: CaseResult[] = [];
  for (const w of o.workloads)
    for (const impl of o.impls) {
      const skipped = impl.unsupported(w);
      if (skipped) {
        results.push({ workload: w.name, impl: impl.name, skipped });
        continue;
      }
      o.log?.(`${w.name} ${impl.name} ...`);
      const c = await impl.setup(w);
      try {
        const r: CaseResult = { workload: w.name, impl: impl.name };
        // Training first: some peers (brain.js) cannot run an untrained network.
        if (c.train) {
          const losses: number[] = [];
          r.train = await measure(async () => losses.push(await c.train!()), timing);
          // mean of the first two steps against the last two: brain.js's per-sample updates are noisy
          const first = (losses[0]! + losses[1]!) / 2;
          const last = (losses[losses.length - 2]! + losses[losses.length - 1]!) / 2;
          r.loss = { first, last, decreased: Number.isFinite(last) && last < first };
        }
        const perToken = w.kind === 'generate' ? 20 : 1; // generation: time 20 tokens per sample, report per token
        const fwd = await measure(async () => {
          for (let i = 0; i < perToken; i++) await c.forward();
        }, timing);
        r.forward = { ...fwd, min: fwd.min / perToken, median: fwd.median / perToken };
        r.gflops = { forward: forwardFlops(w) / (r.forward.min * 1e6) };
        if (r.train) r.gflops.train = (3 * forwardFlops(w)) / (r.train.min * 1e6);
        results.push(r);
      } catch (e) {
        results.push({ workload: w.name, impl: impl.name, error: e instanceof Error ? e.message : String(e) });
      } finally {
        c.dispose();
      }
    }
  const gemm = o.gemm === false ? undefined : await runGemm(o.quick, o.log);
  return {
    date: new Date().toISOString(),
    quick: o.quick,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${platform()} ${arch()}`,
    },
    versions: Object.fromEntries(o.impls.map((i) => [i.name, i.version])),
    workloads: o.workloads,
    results,
    gemm,
  };
}
