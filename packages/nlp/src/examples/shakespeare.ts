// pnpm --filter @rnn/nlp example:shakespeare [--seconds 300] [--steps N] [--hidden 128] [--chars N]
// A character-level LSTM language model on Tiny Shakespeare: trains for a time budget, reports validation
// bits per character next to unigram and bigram baselines, then samples, beam-searches and streams text.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsBackend } from '@rnn/backend-js';
import { loadTinyShakespeare } from '@rnn/datasets';
import { LanguageModel } from '../lm/index.js';
import { CharTokenizer } from '../text/index.js';
import { logBitsPerChar, trainCharLm } from './char-lm.js';

export interface ShakespeareResult {
  validationBitsPerChar: number;
  unigramBitsPerChar: number;
  bigramBitsPerChar: number;
  parameters: number;
  trainSeconds: number;
  steps: number;
  sample: string;
}

export async function main(argv: readonly string[] = [], log: (line: string) => void = console.log): Promise<ShakespeareResult> {
  const flag = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const seconds = flag('seconds', 300);
  const steps = flag('steps', Number.POSITIVE_INFINITY);
  const hiddenSize = flag('hidden', 128);
  const text = loadTinyShakespeare().slice(0, flag('chars', Number.POSITIVE_INFINITY));
  const cut = Math.floor(text.length * 0.9); // char-rnn's split: the first 90% trains, the last 10% validates
  const [train, validation] = [text.slice(0, cut), text.slice(cut)];
  const tokenizer = CharTokenizer.train(train);
  log(
    `Tiny Shakespeare: ${train.length.toLocaleString()} training / ${validation.length.toLocaleString()} validation characters, ${tokenizer.vocabulary.size - 4} symbols`,
  );

  const [trainIds, validIds] = [tokenizer.encode(train), tokenizer.encode(validation)];
  log(
    `training for ${Number.isFinite(steps) ? `${steps} steps` : `${seconds} s`}: batches of 16 streams × 64 characters, state carried (truncated BPTT)`,
  );
  const run = await trainCharLm(tokenizer, trainIds, validIds, { hiddenSize, seconds, steps, seed: 1 }, log);
  const { lm } = run;
  log(`trained ${run.steps} steps (${(run.steps * 16 * 64).toLocaleString()} characters) in ${run.seconds.toFixed(0)} s\n`);
  logBitsPerChar(run, log);

  const sample = lm.generate({ prompt: 'ROMEO:\n', temperature: 0.8, topK: 20, maxTokens: 300, seed: 1 });
  log(`\nsampled (temperature 0.8, top-k 20):\nROMEO:\n${sample}`);
  log(`\nnucleus (top-p 0.9):\nJULIET:\n${lm.generate({ prompt: 'JULIET:\n', topP: 0.9, maxTokens: 200, seed: 2 })}`);
  log(`\ngreedy:\nKING:\n${lm.generate({ prompt: 'KING:\n', greedy: true, maxTokens: 120 })}`);
  const [best] = lm.beamSearch({ prompt: 'KING:\n', beamWidth: 4, maxTokens: 120 });
  log(`\nbeam search (width 4):\nKING:\n${best!.text}`);
  let streamed = '';
  for await (const token of lm.stream({ prompt: 'First Citizen:\n', temperature: 0.7, maxTokens: 80, seed: 3 })) streamed += token.text;
  log(`\nstreamed token by token:\nFirst Citizen:\n${streamed}`);

  // save the model file and tokenizer, load them back, check the loaded model scores the same
  const dir = mkdtempSync(join(tmpdir(), 'rnn-lm-'));
  const files = lm.save();
  writeFileSync(join(dir, 'model.rnn'), files.model);
  writeFileSync(join(dir, 'tokenizer.json'), files.tokenizer);
  const loaded = LanguageModel.load(jsBackend(), {
    model: new Uint8Array(readFileSync(join(dir, 'model.rnn'))),
    tokenizer: readFileSync(join(dir, 'tokenizer.json'), 'utf8'),
  });
  const probe = validIds.subarray(0, 2000);
  log(
    `\nsaved and reloaded (${files.model.length.toLocaleString()} bytes + tokenizer JSON): bits/char on 2,000 validation characters ${lm.evaluate(probe).bitsPerCharacter!.toFixed(4)} → ${loaded.evaluate(probe).bitsPerCharacter!.toFixed(4)}`,
  );
  rmSync(dir, { recursive: true });
  loaded.dispose();
  const out: ShakespeareResult = {
    validationBitsPerChar: run.validationBitsPerChar,
    unigramBitsPerChar: run.unigram,
    bigramBitsPerChar: run.bigram,
    parameters: lm.parameterCount,
    trainSeconds: run.seconds,
    steps: run.steps,
    sample,
  };
  lm.dispose();
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
