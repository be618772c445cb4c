// The model the backend comparison times: the same seeded sequence classifier on every backend, so the
// ms/step of each backend are comparable. One step is one trainStep (forward, BPTT, Adam update).
import { adam, dense, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import { CELL_KINDS, makeCell } from '../training/cells.js';
import { checkKnown, intParam, oneOfParam } from '../training/params.js';
import type { SyncTaskRun, TaskDefinition } from '../training/task.js';

const FEATURES = 8;
const CLASSES = 4;

export const benchTask: TaskDefinition<SyncTaskRun> = {
  name: 'bench',
  create(backend, params) {
    checkKnown(params, ['cell', 'hiddenSize', 'length', 'batchSize']);
    const kind = oneOfParam(params, 'cell', 'lstm', CELL_KINDS);
    const H = intParam(params, 'hiddenSize', 64, 1, 1024);
    const T = intParam(params, 'length', 32, 1, 1000);
    const B = intParam(params, 'batchSize', 16, 1, 1024);
    const model = new Sequential(backend, {
      layers: [recurrent({ cell: makeCell(kind, { inputSize: FEATURES, hiddenSize: H }) }), dense({ inputSize: H, outputSize: CLASSES })],
      loss: softmaxCrossEntropy(),
      optimizer: adam({ lr: 0.001 }),
      seed: 1,
    });
    const rng = new Rng(2);
    const batch = {
      x: { data: Float32Array.from({ length: B * T * FEATURES }, () => rng.uniform(-1, 1)), shape: [B, T, FEATURES] },
      y: { data: Int32Array.from({ length: B }, () => rng.int(CLASSES)), shape: [B] },
    };
    const parameters = model.parameterCount;
    return {
      info: { model: `${kind.toUpperCase()} ${FEATURES}→${H}, dense ${H}→${CLASSES}`, batch: `[${B}, ${T}, ${FEATURES}]`, parameters },
      step: () => ({ loss: { loss: model.trainStep(batch).loss } }),
      dispose: () => model.dispose(),
    };
  },
};
