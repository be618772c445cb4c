// pnpm --filter @rnn/nlp example:sentiment [--epochs 12] [--hidden 32] [--seconds N] [--sentences N]
// Sentiment classification of the 3,000 UCI review sentences (Amazon, IMDb, Yelp): word tokenizer →
// bidirectional GRU → max pooling over the words → softmax; test accuracy and F1 next to the majority class.
import { pathToFileURL } from 'node:url';
import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { loadSentimentSentences } from '@rnn/datasets';
import { type ClassifierEvaluation, TextClassifier } from '../classify/index.js';
import { WordTokenizer } from '../text/index.js';

export interface SentimentResult {
  test: ClassifierEvaluation;
  majorityAccuracy: number;
  parameters: number;
  trainSeconds: number;
}

export async function main(argv: readonly string[] = [], log: (line: string) => void = console.log): Promise<SentimentResult> {
  const flag = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const epochs = flag('epochs', 12);
  const seconds = flag('seconds', Number.POSITIVE_INFINITY);
  const labels = ['negative', 'positive'];

  // a seeded shuffle, then 80% train / 10% validation / 10% test
  const all = new Rng(7).shuffle(loadSentimentSentences()).slice(0, flag('sentences', 3000));
  const n = all.length;
  const [train, validation, test] = [
    all.slice(0, Math.round(n * 0.8)),
    all.slice(Math.round(n * 0.8), Math.round(n * 0.9)),
    all.slice(Math.round(n * 0.9)),
  ];
  const texts = (s: typeof all): string[] => s.map((x) => x.text);
  const ys = (s: typeof all): number[] => s.map((x) => x.label);
  log(`UCI sentiment sentences: ${train.length} train / ${validation.length} validation / ${test.length} test`);

  // words seen at least twice in the training split; the rest encode as <unk>
  const tokenizer = WordTokenizer.train(texts(train), { minCount: 2 });
  log(`word vocabulary: ${tokenizer.vocabulary.size} entries (NFKC, lower case, punctuation split; minCount 2)`);

  const positives = train.filter((s) => s.label === 1).length;
  const majority = positives * 2 >= train.length ? 1 : 0;
  const majorityAccuracy = test.filter((s) => s.label === majority).length / test.length;

  const clf = TextClassifier.create(jsBackend(), {
    tokenizer,
    labels,
    cell: 'gru',
    bidirectional: true,
    pooling: 'max',
    embeddingSize: 32,
    hiddenSize: flag('hidden', 32),
    dropout: 0.3,
    learningRate: 0.005,
    seed: 1,
  });
  const parameters = clf.model.parameterCount;
  log(`model: embedding 32 → bidirectional GRU ${flag('hidden', 32)} → max pooling → dense 2, ${parameters.toLocaleString()} parameters`);
  const history = await clf.fit(texts(train), ys(train), {
    epochs,
    batchSize: 32,
    seconds: Number.isFinite(seconds) ? seconds : undefined,
    validation: { texts: texts(validation), labels: ys(validation) },
    earlyStopping: { patience: 3 }, // keep the epoch with the lowest validation loss
    onEpochEnd: (e) =>
      log(
        `  epoch ${e.epoch}: loss ${e.loss.toFixed(3)}, validation accuracy ${(100 * e.validation!.accuracy).toFixed(1)}% (${e.seconds.toFixed(0)} s)`,
      ),
  });

  log(
    `kept the weights of epoch ${history.bestEpoch} (lowest validation loss); ${history.stopped === 'earlyStopping' ? 'stopped early' : 'ran all epochs'}`,
  );
  const report = clf.evaluate(texts(test), ys(test));
  log(`\ntest set (${test.length} sentences):`);
  log(`  majority class ("${labels[majority]}")  accuracy ${(100 * majorityAccuracy).toFixed(1)}%`);
  log(`  BiGRU + max pooling         accuracy ${(100 * report.accuracy).toFixed(1)}%, macro F1 ${report.macro.f1.toFixed(3)}`);
  for (const c of report.perClass)
    log(
      `    ${c.label.padEnd(8)} precision ${c.precision.toFixed(3)} recall ${c.recall.toFixed(3)} F1 ${c.f1.toFixed(3)} (support ${c.support})`,
    );
  log(`  confusion (rows true, columns predicted): ${JSON.stringify(report.confusion)}`);
  for (const c of clf.classify(['The food was wonderful and the staff were friendly.', 'Worst phone I have ever bought.']))
    log(`  "${c.label}" (${(100 * c.probabilities[c.index]!).toFixed(0)}%)`);
  clf.dispose();
  return { test: report, majorityAccuracy, parameters, trainSeconds: history.seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
