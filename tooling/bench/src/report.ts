// Tables: stdout (aligned text) and Markdown (for the README), with ratios against tfjs-layers in the same run.
import type { BenchReport, CaseResult } from './bench.js';
import { gemmTable } from './gemm.js';

const REFERENCES = ['tfjs-layers-wasm', 'tfjs-layers-cpu'] as const;

const ms = (v: number | undefined): string => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (ref: number | undefined, mine: number | undefined): string =>
  ref === undefined || mine === undefined ? '—' : `${(ref / mine).toFixed(ref / mine >= 10 ? 0 : 1)}x`;

function rows(report: BenchReport): string[][] {
  const out: string[][] = [];
  for (const w of report.workloads) {
    const cases = report.results.filter((r) => r.workload === w.name);
    const ref = Object.fromEntries(REFERENCES.map((n) => [n, cases.find((c) => c.impl === n)]));
    for (const c of cases) out.push(row(w.name, c, ref));
  }
  return out;
}

function row(workload: string, c: CaseResult, ref: Record<string, CaseResult | undefined>): string[] {
  if (c.skipped || c.error) return [workload, c.impl, ...Array<string>(8).fill('—'), c.skipped ? `n/a: ${c.skipped}` : `error: ${c.error}`];
  const speed = (phase: 'forward' | 'train') => REFERENCES.map((n) => ratio(ref[n]?.[phase]?.min, c[phase]?.min));
  const [fw, fc] = speed('forward');
  const [tw, tc] = speed('train');
  const gflops = c.gflops?.train ?? c.gflops?.forward;
  const loss = c.loss ? `${c.loss.decreased ? 'yes' : 'NO'} (${c.loss.first.toPrecision(3)} → ${c.loss.last.toPrecision(3)})` : '—';
  return [
    workload,
    c.impl,
    `${ms(c.forward?.min)} / ${ms(c.forward?.median)}`,
    `${ms(c.train?.min)} / ${ms(c.train?.median)}`,
    gflops === undefined ? '—' : gflops.toFixed(2),
    fw!,
    fc!,
    tw!,
    tc!,
    loss,
    '',
  ];
}

const HEAD = [
  'workload',
  'implementation',
  'forward ms (min / median)',
  'train step ms (min / median)',
  'GFLOP/s',
  'fwd vs tfjs-wasm',
  'fwd vs tfjs-cpu',
  'train vs tfjs-wasm',
  'train vs tfjs-cpu',
  'loss falls',
  'note',
];

function aligned(all: string[][]): string {
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((v, i) => (v ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function textTable(report: BenchReport): string {
  const main = aligned([HEAD, ...rows(report)]);
  return report.gemm ? `${main}\n\n${aligned(gemmTable(report.gemm))}` : main;
}

export function markdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `Measured ${report.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores, one used), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ${[...new Set(Object.values(report.versions))].join(', ')}.`,
    'Times are ms per call (per token for `generate`), min / median after warm-up; "vs" columns are speed-ups (the reference time divided by this one) from the same run; GFLOP/s by the FLOP model of the training step (forward for `generate`).',
    '',
    `| ${HEAD.join(' | ')} |`,
    `| ${HEAD.map(() => '---').join(' | ')} |`,
    ...rows(report).map((r) => `| ${r.join(' | ')} |`),
    '',
    `Workloads: ${report.workloads.map((w) => `**${w.name}** ${w.description}`).join('; ')}.`,
  ];
  if (report.gemm) {
    const [head, ...body] = gemmTable(report.gemm);
    lines.push('', `| ${head!.join(' | ')} |`, `| ${head!.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`));
    lines.push('', 'GEMM: C = A·B in float32, N = operand as stored, T = transposed; 32x320x1024 is one W2 step.');
  }
  return lines.join('\n');
}
