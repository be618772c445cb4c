// pnpm --filter @rnn/examples example:video [--epochs N] [--clips N] [--out DIR]
// Generates the clips, shows one as text (and writes its frames as PGM images with --out), trains the LSTM and
// the last-frame baseline, and prints test accuracy and the confusion matrix.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS, asciiFrame, pgm } from './clips.js';
import { trainVideo } from './train.js';

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : undefined;
const size = 24;
const frames = 12;

const result = await trainVideo({
  epochs: flag('epochs', 15),
  trainClips: flag('clips', 600),
  testClips: Math.max(60, Math.round(flag('clips', 600) / 2)),
  frames,
  size,
  log: (line) => console.log(line),
});

const clip = result.train[0]!;
console.log(`\none training clip, "${ACTIONS[clip.action]}", frames 1, 5, 9, 12:`);
const shown = [0, 4, 8, frames - 1].map((t) => asciiFrame(clip, t, size));
for (let y = 0; y < size; y++) console.log(shown.map((f) => f[y]).join('  |  '));
if (out) {
  mkdirSync(out, { recursive: true });
  result.train.slice(0, ACTIONS.length).forEach((c, i) => {
    for (let t = 0; t < frames; t++)
      writeFileSync(join(out, `clip${i}-${ACTIONS[c.action]!.replace(' ', '-')}-f${String(t).padStart(2, '0')}.pgm`), pgm(c, t, size));
  });
  console.log(`frames of ${ACTIONS.length} clips written to ${out} (PGM)`);
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
console.log(
  `\ntest accuracy: LSTM over ${frames} frames ${pct(result.lstmAccuracy)}  |  last frame only ${pct(result.lastFrameAccuracy)}  |  chance ${pct(result.chance)}`,
);
console.log(`LSTM parameters: ${result.parameters}; total time ${result.seconds.toFixed(1)} s\n`);
console.log(`confusion (rows: true action, columns: predicted)\n${' '.repeat(12)}${ACTIONS.map((a) => a.padStart(11)).join('')}`);
result.confusion.forEach((row, i) => console.log(`${ACTIONS[i]!.padEnd(12)}${row.map((v) => String(v).padStart(11)).join('')}`));
