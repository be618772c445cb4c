// pnpm --filter @rnn/speech example [--epochs N] [--hidden N]: trains the connected-digit recogniser on the
// Free Spoken Digit Dataset (13 MFCCs) and reports digit error rate and string accuracy on held-out utterances.
import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { loadFsddMfcc } from '@rnn/datasets';
import { connectedDigits, DigitRecognizer, splitRecordings } from './index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const epochs = arg('epochs', 12);
const split = splitRecordings(loadFsddMfcc(), { validation: 0.1, test: 0.1, seed: 7 });
const train = connectedDigits(split.train, 3000, { seed: 1 });
const validation = connectedDigits(split.validation, 300, { seed: 2 });
const test = connectedDigits(split.test, 500, { seed: 3 });
console.log(`recordings: ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test (disjoint)`);
console.log(`utterances of 1-5 digits: ${train.length} train, ${validation.length} validation, ${test.length} test`);

// trivial baseline: always say the most common digit, as many times as the average utterance has digits
const counts = new Array(10).fill(0);
for (const u of train) for (const d of u.digits) counts[d]++;
const common = counts.indexOf(Math.max(...counts));
const avg = Math.round(train.reduce((n, u) => n + u.digits.length, 0) / train.length);
const rec = new DigitRecognizer(jsBackend(), { hiddenSize: arg('hidden', 64), layers: 2, seed: 1 });
rec.fitNormaliser(train);
const baselineHyp = String(common).repeat(avg);
const { labelErrorRate, sequenceAccuracy } = await import('@rnn/core');
const refs = test.map((u) => u.digits.join(''));
console.log(
  `baseline "${baselineHyp}" for every utterance: digit error rate ${(
    100 *
      labelErrorRate(
        refs,
        refs.map(() => baselineHyp),
      )
  ).toFixed(1)}%, string accuracy ${(
    100 *
      sequenceAccuracy(
        refs,
        refs.map(() => baselineHyp),
      )
  ).toFixed(1)}%`,
);

const rng = new Rng(5);
const started = performance.now();
for (let e = 1; e <= epochs; e++) {
  const loss = rec.trainEpoch(train, 32, rng);
  const v = rec.evaluate(validation);
  console.log(
    `epoch ${String(e).padStart(2)}  ctc loss ${loss.toFixed(3)}  validation DER ${(100 * v.digitErrorRate).toFixed(1)}%  strings ${(100 * v.stringAccuracy).toFixed(1)}%  (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}
const greedy = rec.evaluate(test);
const beam = rec.evaluate(test, { beamWidth: 8 });
console.log(
  `\ntest (${test.length} utterances): greedy DER ${(100 * greedy.digitErrorRate).toFixed(2)}%, strings ${(100 * greedy.stringAccuracy).toFixed(1)}%; beam 8 DER ${(100 * beam.digitErrorRate).toFixed(2)}%, strings ${(100 * beam.stringAccuracy).toFixed(1)}%`,
);
const u = test[0]!;
console.log(`example: spoken ${u.digits.join('')}, transcribed ${rec.transcribe(u.features)}`);
rec.dispose();
