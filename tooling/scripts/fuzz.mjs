#!/usr/bin/env node
// `pnpm fuzz`: the loader fuzz properties (every test named "fuzz: ...": the native model format, safetensors,
// TF.js model.json + shards, tokenizer and vocabulary files) with 10,000 cases each (RNN_FUZZ_RUNS) on a fresh
// random seed (RNN_FUZZ_SEED, printed so a failure can be replayed). CI runs the same tests with a few hundred
// cases on a fixed seed. Extra arguments go to vitest, e.g. `pnpm fuzz --project interop`.
import { spawnSync } from 'node:child_process';

process.env.RNN_FUZZ_RUNS ??= '10000';
process.env.RNN_FUZZ_SEED ??= String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz: RNN_FUZZ_RUNS=${process.env.RNN_FUZZ_RUNS} RNN_FUZZ_SEED=${process.env.RNN_FUZZ_SEED}`);
const vitest = new URL('../../node_modules/.bin/vitest', import.meta.url).pathname;
const r = spawnSync(vitest, ['run', '-t', 'fuzz: ', '--testTimeout=3600000', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
