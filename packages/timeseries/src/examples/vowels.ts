// pnpm --filter @rnn/timeseries example:vowels [--seeds N] [--hidden N] [--cell lstm|gru] [--dropout R]
// Speaker recognition on Japanese Vowels (UEA): a bidirectional LSTM over the end-padded 12-channel LPC-cepstrum
// sequences (lengths 7-29). 3 training utterances per speaker are held out for early stopping; the test set
// is used once per seed, at the end.
import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { loadJapaneseVowels } from '@rnn/datasets';
import { type LabelledSequences, parseUea, SequenceClassifier } from '../index.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const seeds = Number(arg('seeds', '5'));
const text = loadJapaneseVowels();
const train = parseUea(text.train);
const test = parseUea(text.test);
const lengths = [...train.sequences, ...test.sequences].map((s) => s.length);
console.log(
  `${train.problemName}: ${train.sequences.length} train / ${test.sequences.length} test sequences, ${train.dimensions} channels, lengths ${Math.min(...lengths)}-${Math.max(...lengths)}, ${train.classNames.length} speakers`,
);

const rng = new Rng(11);
const bySpeaker = train.classNames.map((_, k) => rng.shuffle([...train.labels.keys()].filter((i) => train.labels[i] === k)));
const heldOut = new Set(bySpeaker.flatMap((idx) => idx.slice(0, 3)));
const pick = (keep: (i: number) => boolean): LabelledSequences => {
  const idx = [...train.labels.keys()].filter(keep);
  return { sequences: idx.map((i) => train.sequences[i]!), labels: idx.map((i) => train.labels[i]!) };
};
const fitPart = pick((i) => !heldOut.has(i));
const validation = pick((i) => heldOut.has(i));
const testSet = { sequences: test.sequences, labels: test.labels };

const accuracies: number[] = [];
for (let seed = 1; seed <= seeds; seed++) {
  const classifier = new SequenceClassifier(jsBackend(), {
    features: train.dimensions,
    classes: train.classNames.length,
    classNames: train.classNames,
    cell: arg('cell', 'lstm') as 'lstm' | 'gru',
    hiddenSize: Number(arg('hidden', '32')),
    bidirectional: true,
    dropout: Number(arg('dropout', '0.2')),
    epochs: 80,
    patience: 15,
    batchSize: 16,
    lr: 0.003,
    seed,
  });
  if (seed === 1)
    console.log(
      `model: bidirectional ${classifier.config.cell.toUpperCase()}, ${classifier.config.hiddenSize} units per direction, input dropout ${classifier.config.dropout} -> dense ${classifier.config.classes}; ${classifier.parameters} weights; ${fitPart.sequences.length} training / ${validation.sequences.length} validation sequences`,
    );
  const report = await classifier.fit(fitPart, { validation });
  const result = classifier.evaluate(testSet);
  accuracies.push(result.accuracy);
  console.log(
    `seed ${seed}: ${report.epochs} epochs (${report.stopped}) in ${report.seconds.toFixed(1)} s, validation accuracy ${report.valAccuracy?.toFixed(3)}, ` +
      `test accuracy ${(100 * result.accuracy).toFixed(1)}% (${Math.round(result.accuracy * test.sequences.length)}/${test.sequences.length})`,
  );
  if (seed === seeds) {
    console.log('confusion on the test set, last seed (rows: speaker, columns: predicted):');
    for (const [k, row] of result.confusion.entries())
      console.log(`  ${train.classNames[k]}: ${row.map((v) => String(v).padStart(3)).join('')}`);
  }
  classifier.dispose();
}
const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
console.log(
  `test accuracy over ${seeds} seeds: mean ${(100 * mean).toFixed(1)}%, min ${(100 * Math.min(...accuracies)).toFixed(1)}%, max ${(100 * Math.max(...accuracies)).toFixed(1)}% (published results: about 98%)`,
);
