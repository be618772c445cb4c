// Losses. Each computes the mean loss on the backend and writes dL/dprediction. Targets are host arrays;
// predictions are logits for the cross-entropies (the softmax / sigmoid is inside the loss, overflow-free).

import { fmtShape } from '../backend/checks.js';
import type { Backend, PointwiseLoss, Tensor } from '../backend/contract.js';
import type { Workspace } from '../backend/pool.js';
import type { HostTensor } from '../data/host.js';
import { checkPositiveNumber, InvalidArgumentError, ShapeError } from '../errors.js';
import { type CtcReduction, ctcLoss } from './ctc.js';

export interface LossConfig {
  kind: 'softmaxCrossEntropy' | 'binaryCrossEntropy' | 'meanSquaredError' | 'meanAbsoluteError' | 'huber' | 'ctc';
  classWeights?: number[];
  ignoreIndex?: number;
  delta?: number;
  blank?: number;
  reduction?: CtcReduction;
  zeroInfinity?: boolean;
}

export interface Loss {
  readonly name: LossConfig['kind'];
  /** The expected target shape for a prediction shape. */
  targetShape(predictionShape: readonly number[]): number[];
  /** `lengths` are the batch's per-sample input lengths (sequence losses such as CTC use them). */
  compute(
    b: Backend,
    prediction: Tensor,
    target: HostTensor,
    dPrediction: Tensor | null,
    ws: Workspace,
    lengths?: Int32Array | null,
  ): number;
  /** Correct predictions and counted targets, for the accuracy metric (null when accuracy has no meaning). */
  accuracy(
    prediction: ArrayLike<number>,
    target: HostTensor,
    predictionShape: readonly number[],
  ): { correct: number; total: number } | null;
  toConfig(): LossConfig;
}

function checkTarget(expected: readonly number[], target: HostTensor): void {
  if (target.shape.length !== expected.length || target.shape.some((d, i) => d !== expected[i]))
    throw new ShapeError('y.shape', fmtShape(expected), fmtShape(target.shape));
}

export interface CrossEntropyLossOptions {
  /** One weight per class: the loss is sum(w_y · l) / sum(w_y) (PyTorch semantics). */
  classWeights?: readonly number[];
  /** Targets equal to this are skipped (e.g. -100 on padded steps). */
  ignoreIndex?: number;
}

/** Softmax cross-entropy over the last axis; targets are class indices with the prediction's leading shape. */
export function softmaxCrossEntropy(options: CrossEntropyLossOptions = {}): Loss {
  const cw = options.classWeights;
  if (cw !== undefined && (!Array.isArray(cw) || cw.length === 0 || cw.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)))
    throw new InvalidArgumentError('softmaxCrossEntropy.classWeights', 'a non-empty array of finite numbers >= 0', cw);
  const weights = cw ? Float64Array.from(cw) : null;
  const ignoreIndex = options.ignoreIndex ?? null;
  if (ignoreIndex !== null && !Number.isInteger(ignoreIndex))
    throw new InvalidArgumentError('softmaxCrossEntropy.ignoreIndex', 'an integer', ignoreIndex);
  const targetShape = (s: readonly number[]): number[] => s.slice(0, -1);
  const labelsOf = (target: HostTensor): Int32Array => {
    const labels = target.data instanceof Int32Array ? target.data : Int32Array.from(target.data as ArrayLike<number>);
    for (let i = 0; i < labels.length; i++)
      if (labels[i] !== target.data[i]) throw new InvalidArgumentError(`y.data[${i}]`, 'an integer class index', target.data[i]);
    return labels;
  };
  return {
    name: 'softmaxCrossEntropy',
    targetShape,
    compute(b, prediction, target, dPrediction) {
      checkTarget(targetShape(prediction.shape), target);
      return b.softmaxCrossEntropy(prediction, labelsOf(target), dPrediction, { classWeights: weights, ignoreIndex });
    },
    accuracy(p, target, shape) {
      const c = shape[shape.length - 1]!;
      let correct = 0;
      let total = 0;
      for (let i = 0; i < target.data.length; i++) {
        const y = target.data[i]!;
        if (y === ignoreIndex) continue;
        let best = 0;
        for (let j = 1; j < c; j++) if (p[i * c + j]! > p[i * c + best]!) best = j;
        correct += Number(best === y);
        total++;
      }
      return { correct, total };
    },
    toConfig: () => ({
      kind: 'softmaxCrossEntropy',
      ...(weights ? { classWeights: Array.from(weights) } : {}),
      ...(ignoreIndex !== null ? { ignoreIndex } : {}),
    }),
  };
}

function pointwise(kind: PointwiseLoss, name: LossConfig['kind'], delta = 1): Loss {
  const targetShape = (s: readonly number[]): number[] => [...s];
  return {
    name,
    targetShape,
    compute(b, prediction, target, dPrediction, ws) {
      checkTarget(prediction.shape, target);
      if (kind === 'bce')
        for (let i = 0; i < target.data.length; i++)
          if (!(target.data[i]! >= 0 && target.data[i]! <= 1))
            throw new InvalidArgumentError(`y.data[${i}]`, 'a probability in [0, 1]', target.data[i]);
      const y = ws.get('loss.target', prediction.shape);
      b.write(y, target.data);
      return b.pointwiseLoss(kind, prediction, y, dPrediction, delta);
    },
    accuracy(p, target) {
      if (kind !== 'bce') return null;
      let correct = 0;
      for (let i = 0; i < target.data.length; i++) correct += Number(p[i]! > 0 === target.data[i]! > 0.5);
      return { correct, total: target.data.length };
    },
    toConfig: () => (kind === 'huber' ? { kind: name, delta } : { kind: name }),
  };
}

/** Binary cross-entropy on logits (sigmoid inside); targets in [0, 1] with the prediction's shape. */
export const binaryCrossEntropy = (): Loss => pointwise('bce', 'binaryCrossEntropy');
/** Mean squared error over all elements. */
export const meanSquaredError = (): Loss => pointwise('mse', 'meanSquaredError');
/** Mean absolute error over all elements. */
export const meanAbsoluteError = (): Loss => pointwise('mae', 'meanAbsoluteError');
/** Huber loss: quadratic within ±delta, linear beyond (PyTorch HuberLoss). Default delta 1. */
export const huber = (options: { delta?: number } = {}): Loss =>
  pointwise('huber', 'huber', checkPositiveNumber('huber.delta', options.delta ?? 1));

/** Rebuilds a loss from its config (model files). */
export function lossFromConfig(c: LossConfig): Loss {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError('loss config', 'an object', c);
  switch (c.kind) {
    case 'softmaxCrossEntropy':
      return softmaxCrossEntropy({ classWeights: c.classWeights, ignoreIndex: c.ignoreIndex });
    case 'binaryCrossEntropy':
      return binaryCrossEntropy();
    case 'meanSquaredError':
      return meanSquaredError();
    case 'meanAbsoluteError':
      return meanAbsoluteError();
    case 'huber':
      return huber({ delta: c.delta });
    case 'ctc':
      return ctcLoss({ blank: c.blank, reduction: c.reduction, zeroInfinity: c.zeroInfinity });
    default:
      throw new InvalidArgumentError('loss.kind', 'a known loss', c?.kind);
  }
}
