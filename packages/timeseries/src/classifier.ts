// Classification of multivariate sequences of different lengths: per-channel standardisation fitted on the
// training sequences, end padding with per-sample lengths (padded steps change nothing, see core's
// recurrent layer), a (bidirectional) LSTM or GRU stack whose final states feed a softmax layer.
import {
  adam,
  type Backend,
  bidirectional,
  CorruptModelError,
  checkNonNegativeInt,
  checkOneOf,
  checkPositiveInt,
  checkPositiveNumber,
  checkRange,
  dense,
  type EpochLog,
  InvalidArgumentError,
  type LayerDef,
  NonFiniteError,
  RnnError,
  raw,
  recurrent,
  Sequential,
  ShapeError,
  softmaxCrossEntropy,
} from '@rnn/core';
import { readBundle, setWeightsExactly, writeBundle } from './bundle.js';
import { CELL_KINDS, type CellKind, makeCell } from './encoder-decoder.js';
import { Scaler, type ScalerState } from './scalers.js';

/** One multivariate sequence: `length` steps of `features` values, time-major ([length, features] row-major). */
export interface Sequence {
  length: number;
  values: Float64Array;
}

export interface LabelledSequences {
  sequences: readonly Sequence[];
  /** Class index of each sequence, in [0, classes). */
  labels: ArrayLike<number>;
}

function checkSequences(argument: string, sequences: readonly Sequence[], features: number): void {
  if (!Array.isArray(sequences) || sequences.length === 0)
    throw new InvalidArgumentError(argument, 'a non-empty array of sequences', sequences);
  sequences.forEach((s, i) => {
    if (!Number.isInteger(s?.length) || s.length < 1)
      throw new InvalidArgumentError(`${argument}[${i}].length`, 'a positive integer', s?.length);
    if (!(s.values instanceof Float64Array) && !(s.values instanceof Float32Array))
      throw new InvalidArgumentError(`${argument}[${i}].values`, 'a Float64Array or Float32Array', s.values);
    if (s.values.length !== s.length * features)
      throw new ShapeError(
        `${argument}[${i}].values`,
        `${s.length * features} values (length ${s.length} x ${features} features)`,
        `${s.values.length} values`,
      );
    for (let k = 0; k < s.values.length; k++)
      if (!Number.isFinite(s.values[k]!)) throw new NonFiniteError(`${argument}[${i}].values`, k, s.values[k]!);
  });
}

/**
 * End-pads sequences with zeros into one batch [B, T, features] (T = the longest, or maxLength) and their
 * lengths. A sequence longer than maxLength is an error (nothing is truncated).
 */
export function padSequences(
  sequences: readonly Sequence[],
  features: number,
  options: { maxLength?: number } = {},
): { x: { data: Float64Array; shape: [number, number, number] }; lengths: Int32Array } {
  checkPositiveInt('features', features);
  checkSequences('sequences', sequences, features);
  const longest = Math.max(...sequences.map((s) => s.length));
  const T = options.maxLength === undefined ? longest : checkPositiveInt('maxLength', options.maxLength);
  const tooLong = sequences.findIndex((s) => s.length > T);
  if (tooLong >= 0)
    throw new InvalidArgumentError(
      `sequences[${tooLong}].length`,
      `at most maxLength ${T} (sequences are never truncated)`,
      sequences[tooLong]!.length,
    );
  const data = new Float64Array(sequences.length * T * features);
  sequences.forEach((s, b) => data.set(s.values, b * T * features));
  return { x: { data, shape: [sequences.length, T, features] }, lengths: Int32Array.from(sequences, (s) => s.length) };
}

export interface ClassifierOptions {
  /** Channels per step. */
  features: number;
  classes: number;
  /** Names of the classes (e.g. from parseUea), saved with the model. */
  classNames?: readonly string[];
  /** 'lstm' (default), 'gru' or 'rnn' (the simple Elman cell). */
  cell?: CellKind;
  /** Units per direction. Default 64. */
  hiddenSize?: number;
  /** Default 1. */
  layers?: number;
  /** Read each sequence in both directions and concatenate the final states. Default true. */
  bidirectional?: boolean;
  /** Variational input dropout. Default 0. */
  dropout?: number;
  /** Standardise each channel with the training sequences' mean and deviation. Default true. */
  normalise?: boolean;
  /** Default 100. */
  epochs?: number;
  /** Epochs without a better validation loss before stopping (with validation data). Default 20. */
  patience?: number;
  /** Default 16. */
  batchSize?: number;
  /** Adam learning rate. Default 0.003. */
  lr?: number;
  /** Default 1. */
  clipNorm?: number;
  /** Default 0. */
  seed?: number;
}

type ClassifierConfig = Required<Omit<ClassifierOptions, 'classNames'>> & { classNames: string[] };

export interface ClassifierEvaluation {
  accuracy: number;
  /** Mean cross-entropy. */
  loss: number;
  /** confusion[actual][predicted] counts. */
  confusion: number[][];
}

export interface ClassifierFitReport {
  epochs: number;
  stopped: 'completed' | 'earlyStopping' | 'aborted' | 'stopTraining';
  loss: number;
  valLoss: number | null;
  valAccuracy: number | null;
  parameters: number;
  seconds: number;
}

export class SequenceClassifier {
  readonly config: Readonly<ClassifierConfig>;
  readonly model: Sequential;
  private normaliser: Scaler[] | null = null;

  constructor(
    readonly backend: Backend,
    options: ClassifierOptions,
  ) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options', 'classifier options { features, classes, ... }', options);
    const classes = checkPositiveInt('classes', options.classes);
    if (classes < 2) throw new InvalidArgumentError('classes', 'at least 2', classes);
    const classNames = options.classNames ? [...options.classNames] : Array.from({ length: classes }, (_, k) => String(k));
    if (classNames.length !== classes)
      throw new InvalidArgumentError('classNames', `${classes} names (one per class)`, raw(`${classNames.length}`));
    this.config = {
      features: checkPositiveInt('features', options.features),
      classes,
      classNames,
      cell: checkOneOf('cell', options.cell ?? 'lstm', CELL_KINDS),
      hiddenSize: checkPositiveInt('hiddenSize', options.hiddenSize ?? 64),
      layers: checkPositiveInt('layers', options.layers ?? 1),
      bidirectional: options.bidirectional ?? true,
      dropout: checkRange('dropout', options.dropout ?? 0, 0, 1, true),
      normalise: options.normalise ?? true,
      epochs: checkPositiveInt('epochs', options.epochs ?? 100),
      patience: checkNonNegativeInt('patience', options.patience ?? 20),
      batchSize: checkPositiveInt('batchSize', options.batchSize ?? 16),
      lr: checkPositiveNumber('lr', options.lr ?? 0.003),
      clipNorm: checkPositiveNumber('clipNorm', options.clipNorm ?? 1),
      seed: checkNonNegativeInt('seed', options.seed ?? 0),
    };
    const c = this.config;
    const cell = (inputSize: number) => makeCell(c.cell, inputSize, c.hiddenSize);
    const layers: LayerDef[] = [];
    for (let k = 0; k < c.layers; k++) {
      const inputSize = k === 0 ? c.features : c.bidirectional ? 2 * c.hiddenSize : c.hiddenSize;
      const o = { cell: cell(inputSize), returnSequences: k < c.layers - 1, dropout: c.dropout };
      layers.push(c.bidirectional ? bidirectional({ ...o, mergeMode: 'concat' }) : recurrent(o));
    }
    layers.push(dense({ inputSize: c.bidirectional ? 2 * c.hiddenSize : c.hiddenSize, outputSize: c.classes }));
    this.model = new Sequential(backend, {
      layers,
      loss: softmaxCrossEntropy(),
      optimizer: adam({ lr: c.lr, clipNorm: c.clipNorm }),
      seed: c.seed,
    });
  }

  /** Number of weights. */
  get parameters(): number {
    return this.model.parameterCount;
  }

  private dataset(data: LabelledSequences, argument: string) {
    if (typeof data !== 'object' || data === null) throw new InvalidArgumentError(argument, '{ sequences, labels }', data);
    const { x, lengths } = this.batch(data.sequences, `${argument}.sequences`);
    const n = data.sequences.length;
    if (data.labels?.length !== n)
      throw new InvalidArgumentError(`${argument}.labels`, `${n} labels (one per sequence)`, raw(`${data.labels?.length}`));
    const y = Int32Array.from(data.labels, (l, i) => {
      if (!Number.isInteger(l) || l < 0 || l >= this.config.classes)
        throw new InvalidArgumentError(`${argument}.labels[${i}]`, `a class index in [0, ${this.config.classes - 1}]`, l);
      return l;
    });
    return { x, y: { data: y, shape: [n] }, lengths };
  }

  /** Normalised, padded inputs. */
  private batch(sequences: readonly Sequence[], argument: string) {
    const F = this.config.features;
    checkSequences(argument, sequences, F);
    const { x, lengths } = padSequences(sequences, F);
    if (this.normaliser) {
      const [B, T] = x.shape;
      for (let b = 0; b < B; b++)
        for (let t = 0; t < lengths[b]!; t++)
          for (let f = 0; f < F; f++) {
            const i = (b * T + t) * F + f;
            x.data[i] = (x.data[i]! - this.normaliser[f]!.center) / this.normaliser[f]!.scale;
          }
    }
    return { x, lengths };
  }

  /**
   * Trains on labelled sequences. The first call fits the channel normaliser on them; later calls continue
   * training the same network. With `validation`, stops early on its loss and keeps the best weights.
   */
  async fit(
    train: LabelledSequences,
    options: { validation?: LabelledSequences; signal?: AbortSignal; onEpochEnd?: (log: EpochLog) => void | Promise<void> } = {},
  ): Promise<ClassifierFitReport> {
    const started = performance.now();
    const c = this.config;
    checkSequences('train.sequences', train?.sequences, c.features);
    if (c.normalise && !this.normaliser) {
      // every valid frame of every training sequence, per channel
      const frames = train.sequences.reduce((a, s) => a + s.length, 0);
      this.normaliser = Array.from({ length: c.features }, (_, f) => {
        const v = new Float64Array(frames);
        let k = 0;
        for (const s of train.sequences) for (let t = 0; t < s.length; t++) v[k++] = s.values[t * c.features + f]!;
        return Scaler.fit('standard', v, `channel ${f}`);
      });
    }
    const data = this.dataset(train, 'train');
    const validationData = options.validation ? this.dataset(options.validation, 'validation') : undefined;
    const history = await this.model.fit(data, {
      epochs: c.epochs,
      batchSize: c.batchSize,
      validationData,
      earlyStopping: validationData ? { patience: c.patience, monitor: 'valLoss', restoreBest: true } : undefined,
      signal: options.signal,
      onEpochEnd: options.onEpochEnd,
    });
    const e = history.epochs;
    const best = validationData ? e.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a)) : null;
    return {
      epochs: e.length,
      stopped: history.stopped,
      loss: e[e.length - 1]?.loss ?? Number.NaN,
      valLoss: best?.valLoss ?? null,
      valAccuracy: best?.valAccuracy ?? null,
      parameters: this.parameters,
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Class probabilities, row-major [sequences, classes]. */
  predictProba(sequences: readonly Sequence[]): Float64Array {
    const { x, lengths } = this.batch(sequences, 'sequences');
    const logits = this.model.predict(x, { lengths }).data;
    const C = this.config.classes;
    const p = new Float64Array(logits.length);
    for (let b = 0; b < sequences.length; b++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < C; k++) max = Math.max(max, logits[b * C + k]!);
      let sum = 0;
      for (let k = 0; k < C; k++) sum += p[b * C + k] = Math.exp(logits[b * C + k]! - max);
      for (let k = 0; k < C; k++) p[b * C + k]! /= sum;
    }
    return p;
  }

  /** The most probable class of each sequence. */
  predict(sequences: readonly Sequence[]): Int32Array {
    const p = this.predictProba(sequences);
    const C = this.config.classes;
    return Int32Array.from(sequences, (_, b) => {
      let best = 0;
      for (let k = 1; k < C; k++) if (p[b * C + k]! > p[b * C + best]!) best = k;
      return best;
    });
  }

  evaluate(data: LabelledSequences): ClassifierEvaluation {
    const d = this.dataset(data, 'data');
    const { loss } = this.model.evaluate(d);
    const predicted = this.predict(data.sequences);
    const C = this.config.classes;
    const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    let correct = 0;
    predicted.forEach((p, i) => {
      const y = d.y.data[i]!;
      confusion[y]![p]!++;
      correct += Number(p === y);
    });
    return { accuracy: correct / predicted.length, loss, confusion };
  }

  /** Configuration, channel normaliser and weights as bytes. */
  save(): Uint8Array {
    return writeBundle(
      'classifier',
      { config: this.config, normaliser: this.normaliser?.map((s) => s.toJSON()) ?? null },
      this.model.getWeights(),
    );
  }

  static load(backend: Backend, bytes: Uint8Array): SequenceClassifier {
    const { manifest, weights } = readBundle(bytes, 'classifier');
    let c: SequenceClassifier | null = null;
    try {
      c = new SequenceClassifier(backend, manifest.config as ClassifierOptions);
      const n = manifest.normaliser as ScalerState[] | null;
      if (n !== null && (!Array.isArray(n) || n.length !== c.config.features))
        throw new CorruptModelError('normaliser', `${c.config.features} channel scalers or null`, n);
      c.normaliser = n ? n.map((s, f) => Scaler.fromJSON(s, `channel ${f}`)) : null;
      setWeightsExactly(c.model, weights);
      return c;
    } catch (e) {
      c?.dispose();
      if (RnnError.isInstance(e) && e.code === 'CORRUPT_MODEL') throw e;
      throw new CorruptModelError('manifest', 'a valid classifier', e instanceof Error ? e.message : e);
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
