// pnpm --filter @rnn/nlp example:music [--seconds 180] [--steps N] [--hidden 128] [--tunes N]
// A character-level LSTM learns Irish dance tunes in ABC notation (Ceol Rince na hÉireann), reports held-out
// bits per character next to unigram and bigram baselines, and writes new tunes (the body after a held-out
// tune's headers) that are checked structurally.
import { pathToFileURL } from 'node:url';
import { Rng } from '@rnn/core';
import { loadAbcTunes } from '@rnn/datasets';
import { abcTrainingText, checkAbcTune } from '../lm/index.js';
import { CharTokenizer } from '../text/index.js';
import { logBitsPerChar, trainCharLm } from './char-lm.js';

export interface MusicResult {
  validationBitsPerChar: number;
  unigramBitsPerChar: number;
  bigramBitsPerChar: number;
  parameters: number;
  trainSeconds: number;
  steps: number;
  tunes: { text: string; valid: boolean; errors: string[] }[];
}

export async function main(argv: readonly string[] = [], log: (line: string) => void = console.log): Promise<MusicResult> {
  const flag = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const seconds = flag('seconds', 180);
  const steps = flag('steps', Number.POSITIVE_INFINITY);
  const hiddenSize = flag('hidden', 128);
  const generated = flag('generate', 6);

  // tunes whose training form is valid ABC (all but 3 source quirks), split by tune: 90% train, 10% held out
  const all = loadAbcTunes()
    .map((t) => abcTrainingText(t))
    .filter((t) => checkAbcTune(`X:1\nT:t\n${t}`).valid);
  const tunes = new Rng(7).shuffle(all).slice(0, flag('tunes', all.length));
  const cut = Math.floor(tunes.length * 0.9);
  const [train, validation] = [tunes.slice(0, cut).join(''), tunes.slice(cut).join('')];
  const tokenizer = CharTokenizer.train(train);
  log(
    `ABC tunes: ${cut} training (${train.length.toLocaleString()} characters) / ${tunes.length - cut} held out (${validation.length.toLocaleString()} characters), ${tokenizer.vocabulary.size - 4} symbols`,
  );
  log(`training form of a tune:\n${tunes[0]!.split('\n').slice(0, 6).join('\n')}\n...`);

  const [trainIds, validIds] = [tokenizer.encode(train), tokenizer.encode(validation)];
  const run = await trainCharLm(tokenizer, trainIds, validIds, { hiddenSize, seconds, steps, seed: 2 }, log);
  const { lm } = run;
  log(
    `trained ${run.steps} steps in ${run.seconds.toFixed(0)} s (${((run.steps * 16 * 64) / train.length).toFixed(1)} passes over the tunes)\n`,
  );
  logBitsPerChar(run, log);

  // New tunes: the headers (R:, M:, L:, K:) of held-out tunes of several rhythms are the prompts, the model
  // writes the body and ends the tune with a blank line; X: and T: are ours.
  const heldOut = tunes.slice(cut);
  const header = (t: string): string => t.slice(0, t.indexOf('\n', t.indexOf('\nK:') + 1) + 1);
  const examples = ['reel', 'jig', 'polka', 'hornpipe', 'slip jig', 'slide'].map((r) => heldOut.find((t) => t.startsWith(`R:${r}\n`)));
  const prompts = examples.filter((t): t is string => t !== undefined).map(header);
  if (prompts.length === 0) prompts.push(header(heldOut[0]!));
  const out: MusicResult['tunes'] = [];
  for (let n = 1; n <= generated; n++) {
    const prompt = prompts[(n - 1) % prompts.length]!;
    const body = lm.generate({ prompt, temperature: 0.8, maxTokens: 700, stop: '\n\n', seed: n });
    const text = `X:${n}\nT:Generated ${prompt.slice(2, prompt.indexOf('\n'))} ${n}\n${prompt}${body}\n`;
    const check = checkAbcTune(text);
    out.push({ text, valid: check.valid, errors: check.errors });
    log(`\n${text}% ${check.valid ? `valid ABC: ${check.bars} bar lines, ${check.notes} notes` : `not valid: ${check.errors.join('; ')}`}`);
  }
  log(`\n${out.filter((t) => t.valid).length} of ${out.length} generated tunes are structurally valid ABC`);
  const summary: MusicResult = {
    validationBitsPerChar: run.validationBitsPerChar,
    unigramBitsPerChar: run.unigram,
    bigramBitsPerChar: run.bigram,
    parameters: lm.parameterCount,
    trainSeconds: run.seconds,
    steps: run.steps,
    tunes: out,
  };
  lm.dispose();
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
