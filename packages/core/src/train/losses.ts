// Losses. Each computes the mean loss on the backend and writes dL/dprediction.

import { fmtShape } from '../backend/checks.js';
import type { Backend, Tensor } from '../backend/contract.js';
import type { Workspace } from '../backend/pool.js';
import type { HostTensor } from '../data/host.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';

export interface Loss {
  readonly name: string;
  /** The expected target shape for a prediction shape. */
  targetShape(predictionShape: readonly number[]): number[];
  compute(b: Backend, prediction: Tensor, target: HostTensor, dPrediction: Tensor | null, ws: Workspace): number;
}

function checkTarget(expected: readonly number[], target: HostTensor): void {
  if (target.shape.length !== expected.length || target.shape.some((d, i) => d !== expected[i]))
    throw new ShapeError('y.shape', fmtShape(expected), fmtShape(target.shape));
}

/** Softmax cross-entropy over the last axis; targets are class indices with the prediction's leading shape. */
export function softmaxCrossEntropy(): Loss {
  const targetShape = (s: readonly number[]): number[] => s.slice(0, -1);
  return {
    name: 'softmaxCrossEntropy',
    targetShape,
    compute(b, prediction, target, dPrediction) {
      checkTarget(targetShape(prediction.shape), target);
      const labels = target.data instanceof Int32Array ? target.data : Int32Array.from(target.data as ArrayLike<number>);
      for (let i = 0; i < labels.length; i++)
        if (labels[i] !== target.data[i]) throw new InvalidArgumentError(`y.data[${i}]`, 'an integer class index', target.data[i]);
      return b.softmaxCrossEntropy(prediction, labels, dPrediction);
    },
  };
}

/** Mean squared error over all elements; targets have the prediction's shape. */
export function meanSquaredError(): Loss {
  const targetShape = (s: readonly number[]): number[] => [...s];
  return {
    name: 'meanSquaredError',
    targetShape,
    compute(b, prediction, target, dPrediction, ws) {
      checkTarget(prediction.shape, target);
      const y = ws.get('loss.target', prediction.shape);
      b.write(y, target.data);
      return b.meanSquaredError(prediction, y, dPrediction);
    },
  };
}
