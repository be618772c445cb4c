#!/usr/bin/env node
// Compiles assembly/ (AssemblyScript) into the four builds in wasm/, in parallel:
//   rnn-simd.wasm          --enable simd                       the default
//   rnn-relaxed-simd.wasm  --enable simd --enable relaxed-simd f32x4.relaxed_madd (FMA) in GEMM and gate loops
//   rnn-simd-threads.wasm  --enable simd --enable threads      shared imported memory for the worker pool
//   rnn-relaxed-simd-threads.wasm                              both
// All import their memory (env.memory) so the backend sets its limits; the stub runtime (nothing is allocated
// from AssemblyScript: the TypeScript side owns the heap), -O3, no assertions.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'asc.cmd' : 'asc');
const common = ['assembly/index.ts', '-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--enable', 'simd'];
const builds = {
  'rnn-simd': [],
  'rnn-relaxed-simd': ['--enable', 'relaxed-simd'],
  'rnn-simd-threads': ['--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536'],
  'rnn-relaxed-simd-threads': ['--enable', 'relaxed-simd', '--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536'],
};

mkdirSync(join(root, 'wasm'), { recursive: true });
const run = (name, extra) =>
  new Promise((resolve, reject) => {
    const child = spawn(asc, [...common, ...extra, '-o', `wasm/${name}.wasm`], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`asc ${name}: exit code ${code}`))));
  });
await Promise.all(Object.entries(builds).map(([name, extra]) => run(name, extra)));
