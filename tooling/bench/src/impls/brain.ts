// brain.js recurrent time-step networks. They cannot batch: a training step is one pass over the batch's
// sequences, one sequence (and one weight update) at a time, and a forward pass runs each sequence alone.
// Each sequence is the T input vectors followed by the target vector, so the net learns to predict the target
// after reading the sequence (it also predicts each next input along the way: that is how LSTMTimeStep trains).
import { createRequire } from 'node:module';
import { regressionData, type Workload } from '../workloads.js';
import type { Case, Implementation } from './types.js';

interface TimeStepNet {
  train(data: number[][][], options: Record<string, unknown>): { error: number };
  run(sequence: number[][]): number[];
}
const require = createRequire(import.meta.url);
const brain = require('brain.js') as { recurrent: Record<string, new (o: Record<string, unknown>) => TimeStepNet> };
const version = (require('brain.js/package.json') as { version: string }).version;

export const brainJs: Implementation = {
  name: 'brain.js',
  version: `brain.js ${version}`,
  unsupported: (w) => (w.kind === 'regression' ? null : 'no embedding layer or batched softmax model'),
  async setup(w: Workload): Promise<Case> {
    const Net = brain.recurrent[w.cell === 'lstm' ? 'LSTMTimeStep' : 'GRUTimeStep']!;
    const net = new Net({ inputSize: w.I, hiddenLayers: [w.H], outputSize: w.I });
    const { x, y } = regressionData(w);
    const sequences = Array.from({ length: w.B }, (_, b) => [
      ...Array.from({ length: w.T }, (_, t) => Array.from(x.subarray((b * w.T + t) * w.I, (b * w.T + t + 1) * w.I))),
      Array.from(y.subarray(b * w.I, (b + 1) * w.I)),
    ]);
    return {
      forward: () => {
        for (const s of sequences) net.run(s.slice(0, w.T));
      },
      train: () => net.train(sequences, { iterations: 1, errorThresh: 0, log: false }).error,
      dispose: () => {},
    };
  },
};
