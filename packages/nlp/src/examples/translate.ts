// pnpm --filter @rnn/nlp example:translate [--epochs N] [--limit N] [--hidden N] [--beam N] [--merges N] [--lr X]
// Trains the attention encoder-decoder on Tatoeba English -> French pairs and reports corpus BLEU (sacreBLEU
// semantics, all French translations of a sentence as references) on held-out English sentences, next to the
// copy-the-source baseline. The split is by English sentence, so no test source was seen in training.
import { pathToFileURL } from 'node:url';
import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { loadTatoebaEngFra } from '@rnn/datasets';
import { BpeTokenizer, corpusBleu, referenceStreams, type TranslationExample, type TranslationPair, Translator } from '../index.js';

export interface TranslateExampleOptions {
  epochs: number;
  /** Use only the first `limit` pairs of the file (smoke runs). */
  limit?: number;
  hiddenSize: number;
  beamWidth: number;
  /** BPE merges of each language's subword tokenizer. */
  merges: number;
  lr: number;
  log?: (line: string) => void;
}

export interface TranslateExampleResult {
  copyBleu: number;
  greedyBleu: number;
  beamBleu: number;
  parameters: number;
  trainSeconds: number;
}

export async function runTranslateExample(o: TranslateExampleOptions): Promise<TranslateExampleResult> {
  const log = o.log ?? console.log;
  const all = loadTatoebaEngFra();
  const pairs = o.limit ? all.slice(0, o.limit) : all;
  // group the French translations of each English sentence; split the English sentences 80 / 10 / 10
  const groups = new Map<string, string[]>();
  for (const p of pairs) groups.set(p.english, [...(groups.get(p.english) ?? []), p.french]);
  const sources = new Rng(11).shuffle([...groups.keys()]);
  const nTest = Math.max(1, Math.round(sources.length * 0.1));
  const part = (from: number, to: number) => sources.slice(from, to).map((source) => ({ source, references: groups.get(source)! }));
  const test = part(0, nTest);
  const validation = part(nTest, 2 * nTest);
  const train = part(2 * nTest, sources.length);
  const flat = (examples: TranslationExample[]): TranslationPair[] =>
    examples.flatMap((e) => e.references.map((target) => ({ source: e.source, target })));
  log(
    `Tatoeba eng-fra: ${pairs.length} pairs, ${sources.length} distinct English sentences -> ${train.length} / ${validation.length} / ${test.length} train / validation / test sentences (${flat(train).length} training pairs)`,
  );

  const refs = referenceStreams(test.map((e) => e.references));
  const copyBleu = corpusBleu(
    test.map((e) => e.source),
    refs,
  ).score;
  log(`baseline: copy the English source         BLEU ${copyBleu.toFixed(2)}`);

  // subword tokenizers trained on the training side: no unknown words, and decoding restores the exact spacing
  const trainPairs = flat(train);
  const bpe = (texts: string[]) => BpeTokenizer.train(texts, { merges: o.merges, unicode: 'NFC' });
  const translator = Translator.create(jsBackend(), trainPairs, {
    hiddenSize: o.hiddenSize,
    embeddingSize: Math.round(o.hiddenSize / 2),
    sourceTokenizer: bpe(trainPairs.map((p) => p.source)),
    targetTokenizer: bpe(trainPairs.map((p) => p.target)),
    lr: o.lr,
    seed: 1,
  });
  const parameters = translator.model.params.reduce((n, p) => n + p.value.size, 0);
  log(
    `model: BPE vocabularies ${translator.sourceTokenizer.vocabulary.size} English / ${translator.targetTokenizer.vocabulary.size} French, BiLSTM encoder ${o.hiddenSize / 2}x2, LSTM decoder ${o.hiddenSize} with Luong attention, ${parameters.toLocaleString('en-US')} parameters`,
  );
  const history = translator.train(trainPairs, {
    epochs: o.epochs,
    batchSize: 32,
    validation: flat(validation),
    patience: 3,
    onEpochEnd: (e) =>
      log(
        `epoch ${String(e.epoch).padStart(2)}  loss ${e.loss.toFixed(3)}  validation loss ${e.validationLoss!.toFixed(3)}  (${e.seconds.toFixed(0)} s)`,
      ),
  });
  const trainSeconds = history[history.length - 1]!.seconds;
  const greedy = translator.evaluate(test);
  const beam = translator.evaluate(test, { beamWidth: o.beamWidth });
  log(`\ntest (${test.length} unseen English sentences, ${refs.length} reference streams):`);
  log(`baseline: copy the English source         BLEU ${copyBleu.toFixed(2)}`);
  log(
    `translator, greedy                        BLEU ${greedy.bleu.score.toFixed(2)}  (${greedy.bleu.precisions.map((p) => p.toFixed(1)).join('/')}, BP ${greedy.bleu.bp.toFixed(3)})`,
  );
  log(
    `translator, beam ${o.beamWidth} (length penalty 1)     BLEU ${beam.bleu.score.toFixed(2)}  (${beam.bleu.precisions.map((p) => p.toFixed(1)).join('/')}, BP ${beam.bleu.bp.toFixed(3)})`,
  );
  for (const i of [0, 1, 2, 3, 4].filter((i) => i < test.length))
    log(`  ${test[i]!.source}  ->  ${beam.hypotheses[i]}   (reference: ${test[i]!.references[0]})`);
  translator.dispose();
  return { copyBleu, greedyBleu: greedy.bleu.score, beamBleu: beam.bleu.score, parameters, trainSeconds };
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const limit = flag('limit', 0);
  await runTranslateExample({
    epochs: flag('epochs', 8),
    limit: limit || undefined,
    hiddenSize: flag('hidden', 96),
    beamWidth: flag('beam', 5),
    merges: flag('merges', 1000),
    lr: flag('lr', 0.005),
  });
}
