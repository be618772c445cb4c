// pnpm bench [--quick] [--workloads W1,W2] [--impls rnn-js,tfjs-layers-cpu] [--out DIR] [--readme]
// Prints the table, writes DIR/latest.json and DIR/latest.md (default tooling/bench/results), and with
// --readme replaces the benchmark section of the root README with the Markdown table.
// pnpm bench --render re-renders latest.md and the README section from latest.json without measuring.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relaxedSimdSupported } from '@rnn/backend-wasm';
import { type BenchReport, runBench } from './bench.js';
import { brainJs } from './impls/brain.js';
import { rnnJs, rnnWasm, rnnWasm2, rnnWasmSimd } from './impls/rnn.js';
import { rnnOnTfjs, tfjsImplementation } from './impls/tfjs.js';
import type { Implementation } from './impls/types.js';
import { markdown, textTable } from './report.js';
import { workloads } from './workloads.js';

export const allImplementations = (): Implementation[] => [
  rnnJs,
  rnnWasm,
  rnnWasmSimd,
  rnnWasm2,
  rnnOnTfjs('cpu'),
  rnnOnTfjs('wasm'),
  tfjsImplementation('cpu'),
  tfjsImplementation('wasm'),
  brainJs,
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function pick<T extends { name: string }>(what: string, all: T[], wanted: string | undefined): T[] {
  if (!wanted) return all;
  const names = wanted.split(',');
  const unknown = names.filter((n) => !all.some((a) => a.name === n));
  if (unknown.length) throw new Error(`--${what}: unknown ${unknown.join(', ')}; choose from ${all.map((a) => a.name).join(', ')}`);
  return all.filter((a) => names.includes(a.name));
}

export function updateReadme(report: BenchReport, readmePath = join(root, 'README.md')): void {
  const text = readFileSync(readmePath, 'utf8');
  const [a, b] = [text.indexOf(README_START), text.indexOf(README_END)];
  if (a < 0 || b < a) throw new Error(`README.md has no ${README_START} ... ${README_END} section`);
  writeFileSync(readmePath, `${text.slice(0, a + README_START.length)}\n${markdown(report)}\n${text.slice(b)}`);
}

/**
 * Node 20 (end of life since April 2026) ships relaxed SIMD behind a flag that Node 22+ and Chrome have on by
 * default: re-run under the flag so the benchmark times what current engines run. rnn-wasm-simd still times
 * the plain-SIMD fallback.
 */
function rerunWithRelaxedSimd(): boolean {
  if (relaxedSimdSupported() || process.execArgv.includes('--experimental-wasm-relaxed-simd')) return false;
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exitCode = r.status ?? 1;
  return true;
}

async function main(): Promise<void> {
  if (rerunWithRelaxedSimd()) return;
  const out = option('out') ?? join(root, 'tooling', 'bench', 'results');
  if (process.argv.includes('--render')) {
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchReport;
    writeFileSync(join(out, 'latest.md'), `${markdown(report)}\n`);
    updateReadme(report);
    console.log(`\n${textTable(report)}\n\nREADME.md benchmark section re-rendered from latest.json`);
    return;
  }
  const quick = process.argv.includes('--quick');
  const report = await runBench({
    quick,
    workloads: pick('workloads', workloads(quick), option('workloads')),
    impls: pick('impls', allImplementations(), option('impls')),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(`\n${textTable(report)}\n`);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, quick ? 'quick.json' : 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, quick ? 'quick.md' : 'latest.md'), `${markdown(report)}\n`);
  if (process.argv.includes('--readme')) {
    if (quick) throw new Error('--readme needs a full run (not --quick)');
    updateReadme(report);
    console.log('README.md benchmark section updated');
  }
  const broken = report.results.filter((r) => r.error || (r.loss && !r.loss.decreased));
  for (const r of broken) console.error(`warning: ${r.workload} ${r.impl}: ${r.error ?? 'loss did not decrease'}`);
  process.exitCode = broken.some((r) => r.error) ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
