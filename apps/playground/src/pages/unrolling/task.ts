// The worker side of the unrolling page: trains the character model on the corpus and hands its weights
// back, so the page can step through what the trained cell computes.
import { CELL_KINDS } from '../../training/cells.js';
import { checkKnown, intParam, numberParam, oneOfParam } from '../../training/params.js';
import type { SyncTaskRun, TaskDefinition } from '../../training/task.js';
import { charModel, corpusBatch } from './charlm.js';

export const charTask: TaskDefinition<SyncTaskRun> = {
  name: 'charlm',
  create(backend, params) {
    checkKnown(params, ['cell', 'seed', 'lr']);
    const kind = oneOfParam(params, 'cell', 'lstm', CELL_KINDS);
    const seed = intParam(params, 'seed', 1, 0, 2 ** 31 - 1);
    const lr = numberParam(params, 'lr', 0.03, 0, 1);
    const model = charModel(backend, kind, seed, lr);
    const batch = corpusBatch();
    return {
      info: { cell: kind, windows: batch.x.shape[0] },
      step: () => ({ loss: { loss: model.trainStep(batch).loss } }),
      result: () => model.getWeights(),
      dispose: () => model.dispose(),
    };
  },
};
