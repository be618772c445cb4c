// pnpm --filter @rnn/nlp example:ner [--epochs N] [--limit N] [--hidden N]
// Trains the BiLSTM entity tagger (word embeddings + character BiLSTM) on Universal NER English-EWT and reports
// conlleval entity F1 on its test split next to two baselines: tagging everything O, and giving each word its
// most frequent training tag. UNER ships dev and test only here: the tagger trains on 90% of dev and keeps the
// epoch that scores best on the other 10%.
import { pathToFileURL } from 'node:url';
import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { loadUnerEnglishEwt } from '@rnn/datasets';
import { conllEval, EntityTagger, formatConllEval, MostFrequentTagger, readConll } from '../index.js';

export interface NerExampleOptions {
  epochs: number;
  /** Use only the first `limit` sentences of each split (smoke runs). */
  limit?: number;
  hiddenSize: number;
  log?: (line: string) => void;
}

export interface NerExampleResult {
  allOF1: number;
  mostFrequentF1: number;
  taggerF1: number;
  parameters: number;
  trainSeconds: number;
}

export async function runNerExample(o: NerExampleOptions): Promise<NerExampleResult> {
  const log = o.log ?? console.log;
  const read = (split: 'dev' | 'test') =>
    readConll(loadUnerEnglishEwt(split), { tokenColumn: 1, tagColumn: 2, strict: true }).slice(0, o.limit);
  const dev = new Rng(3).shuffle(read('dev'));
  const test = read('test');
  const nValidation = Math.max(1, Math.round(dev.length * 0.1));
  const validation = dev.slice(0, nValidation);
  const train = dev.slice(nValidation);
  const count = (s: { tokens: string[] }[]) => s.reduce((n, x) => n + x.tokens.length, 0);
  log(
    `UNER English-EWT: train ${train.length} sentences (${count(train)} tokens, from dev), validation ${validation.length}, test ${test.length} (${count(test)} tokens)`,
  );

  const gold = test.map((s) => s.tags);
  const allO = conllEval(
    gold,
    gold.map((tags) => tags.map(() => 'O')),
  );
  const frequent = conllEval(gold, new MostFrequentTagger(train).predict(test.map((s) => s.tokens)));
  log(`baseline: all O                      entity F1 ${allO.f1.toFixed(2)}`);
  log(
    `baseline: most frequent tag per word entity F1 ${frequent.f1.toFixed(2)} (precision ${frequent.precision.toFixed(2)}, recall ${frequent.recall.toFixed(2)})`,
  );

  const tagger = EntityTagger.create(jsBackend(), train, { hiddenSize: o.hiddenSize, seed: 1 });
  const parameters = tagger.model.parameterCount;
  log(
    `model: ${tagger.words.size} words, ${tagger.chars.size} characters, ${tagger.tags.length} tags; char BiLSTM ${tagger.config.charHiddenSize}x2, BiLSTM ${o.hiddenSize}x2; ${parameters.toLocaleString('en-US')} parameters`,
  );
  const history = tagger.train(train, {
    epochs: o.epochs,
    validation,
    patience: 4,
    onEpochEnd: (e) =>
      log(
        `epoch ${String(e.epoch).padStart(2)}  loss ${e.loss.toFixed(4)}  validation F1 ${e.validationF1!.toFixed(2)}  (${e.seconds.toFixed(0)} s)`,
      ),
  });
  const trainSeconds = history[history.length - 1]!.seconds;
  const result = tagger.evaluate(test);
  log(`\ntest (conlleval):\n${formatConllEval(result)}`);
  log(
    `all O ${allO.f1.toFixed(2)}  |  most frequent tag ${frequent.f1.toFixed(2)}  |  BiLSTM tagger ${result.f1.toFixed(2)}  (entity F1 on test)`,
  );
  const example = 'Maria flew from Boston to Seattle to meet the Microsoft team .'.split(' ');
  log(
    `example: ${tagger
      .tag(example)
      .map((e) => `${e.text} [${e.type}]`)
      .join(', ')}`,
  );
  tagger.dispose();
  return { allOF1: allO.f1, mostFrequentF1: frequent.f1, taggerF1: result.f1, parameters, trainSeconds };
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const limit = flag('limit', 0);
  await runNerExample({ epochs: flag('epochs', 15), limit: limit || undefined, hiddenSize: flag('hidden', 96) });
}
