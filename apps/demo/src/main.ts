// pnpm demo: trains a character-level LSTM on Tiny Shakespeare with a live progress line, then shows what
// it learned (loss in bits per character, and text it writes). Options: --seconds N (default 60), --seed N,
// --backend wasm|js (default wasm: the WebAssembly SIMD kernels, about ten times the steps of js in a minute).
import { jsBackend } from '@rnn/backend-js';
import { wasmBackend } from '@rnn/backend-wasm';
import { type Backend, Rng } from '@rnn/core';
import { loadTinyShakespeare } from '@rnn/datasets';
import { Alphabet, createCharLm, generate, sampleBatch } from './charlm.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: expected a positive number, received ${process.argv[i + 1]}`);
  return v;
};

const seconds = arg('seconds', 60);
const seed = arg('seed', 1);
const text = loadTinyShakespeare();
const split = Math.floor(text.length * 0.9);
const alphabet = new Alphabet(text);
const train = alphabet.encode(text.slice(0, split));
const valid = alphabet.encode(text.slice(split));
const V = alphabet.size;
const opts = { hiddenSize: 128, seqLength: 48, batchSize: 32, lr: 0.01, seed };
const backendIndex = process.argv.indexOf('--backend');
const backendName = backendIndex >= 0 ? process.argv[backendIndex + 1] : 'wasm';
if (backendName !== 'wasm' && backendName !== 'js') throw new Error(`--backend: expected wasm or js, received ${backendName}`);
const makeBackend = async (): Promise<Backend> => {
  if (backendName === 'js') return jsBackend();
  const wasm = wasmBackend(); // relaxed SIMD where the engine has it, else plain SIMD
  await wasm.ready();
  return wasm;
};
const backend = await makeBackend();
const model = createCharLm(backend, alphabet, opts);
const rng = new Rng(seed);
const bits = (nats: number): string => (nats / Math.LN2).toFixed(3);
const validLoss = (): number => {
  const r = new Rng(12345);
  let s = 0;
  for (let i = 0; i < 4; i++) s += model.lossOn(sampleBatch(valid, 32, opts.seqLength, r));
  return s / 4;
};

console.log(
  `rnn demo: a character-level LSTM (${opts.hiddenSize} units) reads Tiny Shakespeare (${text.length.toLocaleString()} chars, ${V} symbols)`,
);
console.log(`backend ${backend.name}, fused whole-sequence kernels, Adam, gradient clipping at norm 5; training for ${seconds} s\n`);
const before = validLoss();
console.log(`before training: validation loss ${bits(before)} bits/char (uniform guessing: ${bits(Math.log(V))})`);
console.log(`sample: ${JSON.stringify(generate(model, alphabet, 'ROMEO:', 80, 1, new Rng(seed)))}\n`);

const start = performance.now();
let step = 0;
const recent: number[] = [];
let lastReport = -1;
while ((performance.now() - start) / 1000 < seconds) {
  const r = model.trainStep(sampleBatch(train, opts.batchSize, opts.seqLength, rng));
  step++;
  recent.push(r.loss);
  if (recent.length > 10) recent.shift();
  const smooth = recent.reduce((a, b) => a + b, 0) / recent.length;
  const elapsed = (performance.now() - start) / 1000;
  const done = Math.min(1, elapsed / seconds);
  const bar = '#'.repeat(Math.round(done * 30)).padEnd(30, '.');
  const line = `[${bar}] step ${String(step).padStart(4)}  loss ${bits(smooth)} bits/char  grad norm ${r.gradNorm.toFixed(2).padStart(6)}  ${((elapsed * 1000) / step).toFixed(0)} ms/step `;
  // redraw in place on a terminal; one line per tenth of the run in a log
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else if (Math.floor(done * 10) > lastReport) {
    lastReport = Math.floor(done * 10);
    console.log(line);
  }
}
const after = validLoss();
const norms = model.recurrentLayers[0]!.stepGradNorms!;
console.log(`\n\nafter ${step} steps: validation loss ${bits(after)} bits/char (was ${bits(before)})`);
console.log(
  `gradient norm of the hidden state through time, last step -> first: ${[norms.length - 1, Math.floor(norms.length / 2), 0].map((t) => `t=${t}: ${norms[t]!.toExponential(1)}`).join(', ')}`,
);
console.log('\nwhat it writes now (temperature 0.7), primed with "ROMEO:"\n');
console.log(`ROMEO:${generate(model, alphabet, 'ROMEO:', 400, 0.7, new Rng(seed))}`);
model.dispose();
backend.dispose();
