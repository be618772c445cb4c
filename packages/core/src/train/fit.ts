// The training loop: epochs of seeded shuffled batches, validation, metrics, callbacks, early stopping and
// cancellation. It awaits between batches so a page (or a worker's message loop) stays responsive.
import { checkLengths, fmtShape } from '../backend/checks.js';
import { checkHostTensor, type HostTensor } from '../data/host.js';
import { checkNonNegativeInt, checkPositiveInt, checkRange, InvalidArgumentError, ShapeError } from '../errors.js';
import type { Evaluation, Sequential } from './model.js';
import { takeRows } from './model.js';

/** A whole data set: samples along the first axis of x, y (and lengths). */
export interface Dataset {
  x: HostTensor;
  y: HostTensor;
  lengths?: Int32Array | readonly number[];
}

export interface EpochLog {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Training accuracy (when metrics includes 'accuracy' and the loss is a classification loss). */
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
  seconds: number;
}

export interface BatchLog {
  epoch: number;
  batch: number;
  loss: number;
  gradNorm: number;
}

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle the training samples every epoch, from the model's seeded stream. Default true. */
  shuffle?: boolean;
  /** Hold out this fraction of the samples (the last ones, before shuffling) for validation. */
  validationSplit?: number;
  validationData?: Dataset;
  /** 'accuracy' adds training accuracy to each epoch's log (an extra pass over the training data). */
  metrics?: readonly 'accuracy'[];
  /** Truncated BPTT chunk length for each batch (see Sequential.trainStep). */
  truncateAt?: number;
  /** Stop when the monitored loss has not improved by minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; monitor?: 'loss' | 'valLoss'; minDelta?: number; restoreBest?: boolean };
  /** Abort training (checked between batches). */
  signal?: AbortSignal;
  onBatchEnd?: (log: BatchLog) => void | Promise<void>;
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
}

export interface History {
  epochs: EpochLog[];
  /** Why training ended. */
  stopped: 'completed' | 'earlyStopping' | 'aborted' | 'stopTraining';
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

function checkDataset(argument: string, d: Dataset): number {
  if (typeof d !== 'object' || d === null) throw new InvalidArgumentError(argument, 'a { x, y } data set', d);
  checkHostTensor(`${argument}.x`, d.x);
  checkHostTensor(`${argument}.y`, d.y);
  const n = d.x.shape[0]!;
  if (d.y.shape[0] !== n) throw new ShapeError(`${argument}.y.shape[0]`, `${n} samples (as x)`, fmtShape(d.y.shape));
  if (d.lengths !== undefined) checkLengths(`${argument}.lengths`, d.lengths, n, d.x.shape[1] ?? 1);
  return n;
}

export async function fit(model: Sequential, data: Dataset, o: FitOptions, stopRequested: () => boolean): Promise<History> {
  const n = checkDataset('data', data);
  const epochs = checkPositiveInt('epochs', o.epochs ?? 1);
  const batchSize = checkPositiveInt('batchSize', o.batchSize ?? 32);
  const split = checkRange('validationSplit', o.validationSplit ?? 0, 0, 1, true);
  if (split > 0 && o.validationData)
    throw new InvalidArgumentError('validationSplit', 'either validationSplit or validationData, not both', split);
  if (o.validationData) checkDataset('validationData', o.validationData);
  const metrics = o.metrics ?? [];
  for (const m of metrics) if (m !== 'accuracy') throw new InvalidArgumentError('metrics', '"accuracy"', m);
  const es = o.earlyStopping;
  if (es) {
    checkNonNegativeInt('earlyStopping.patience', es.patience);
    if (es.monitor !== undefined && es.monitor !== 'loss' && es.monitor !== 'valLoss')
      throw new InvalidArgumentError('earlyStopping.monitor', '"loss" or "valLoss"', es.monitor);
  }

  const nVal = Math.floor(n * split);
  const trainIdx = Array.from({ length: n - nVal }, (_, i) => i);
  if (trainIdx.length === 0) throw new InvalidArgumentError('validationSplit', 'a split that leaves training samples', split);
  const validation =
    nVal > 0
      ? takeRows(
          data,
          Array.from({ length: nVal }, (_, i) => n - nVal + i),
        )
      : o.validationData;
  const monitor = es?.monitor ?? (validation ? 'valLoss' : 'loss');
  if (monitor === 'valLoss' && es && !validation)
    throw new InvalidArgumentError('earlyStopping.monitor', 'validation data for "valLoss"', monitor);

  const history: History = { epochs: [], stopped: 'completed' };
  let best = Number.POSITIVE_INFINITY;
  let bestWeights: ReturnType<Sequential['getWeights']> | null = null;
  let waited = 0;
  outer: for (let epoch = 0; epoch < epochs; epoch++) {
    const started = performance.now();
    const order = o.shuffle === false ? trainIdx.slice() : model.rng.shuffle(trainIdx.slice());
    let sum = 0;
    let batches = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      if (o.signal?.aborted) {
        history.stopped = 'aborted';
        break outer;
      }
      if (stopRequested()) {
        history.stopped = 'stopTraining';
        break outer;
      }
      const r = model.trainStep(takeRows(data, order.slice(start, start + batchSize)), { truncateAt: o.truncateAt });
      sum += r.loss;
      await o.onBatchEnd?.({ epoch, batch: batches, loss: r.loss, gradNorm: r.gradNorm });
      batches++;
      await yieldToEventLoop();
    }
    const log: EpochLog = { epoch, loss: sum / batches, lr: model.optimizer.currentLr(), seconds: 0 };
    if (metrics.includes('accuracy')) {
      const train: Evaluation = model.evaluate(takeRows(data, trainIdx), { batchSize });
      if (train.accuracy !== undefined) log.accuracy = train.accuracy;
    }
    if (validation) {
      const v = model.evaluate(validation, { batchSize });
      log.valLoss = v.loss;
      if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
    }
    log.seconds = (performance.now() - started) / 1000;
    history.epochs.push(log);
    await o.onEpochEnd?.(log);
    if (es) {
      const value = monitor === 'valLoss' ? log.valLoss! : log.loss;
      if (value < best - (es.minDelta ?? 0)) {
        best = value;
        waited = 0;
        if (es.restoreBest) bestWeights = model.getWeights();
      } else if (++waited > es.patience) {
        history.stopped = 'earlyStopping';
        break;
      }
    }
  }
  if (bestWeights) model.setWeights(bestWeights);
  return history;
}
