// Child process for the crash-safety test: saves generation k of a model to one path, over and over, and
// reports each completed save on stdout; the parent SIGKILLs it at a random moment.
import { jsBackend } from '@rnn/backend-js';
import { adam, dense, lstm, meanSquaredError, recurrent, Sequential } from '@rnn/core';
import { saveModel } from '@rnn/core/node';

const [path] = process.argv.slice(2);
const model = new Sequential(jsBackend(), {
  layers: [recurrent({ cell: lstm({ inputSize: 4, hiddenSize: 64 }) }), dense({ inputSize: 64, outputSize: 1 })],
  loss: meanSquaredError(),
  optimizer: adam(),
  seed: 1,
});
const weights = model.getWeights();
for (let k = 1; ; k++) {
  // generation k: every weight equals k, so a loaded file names the save it came from
  for (const w of Object.values(weights)) w.fill(k);
  model.setWeights(weights);
  saveModel(model, path);
  process.stdout.write(`${k}\n`);
}
