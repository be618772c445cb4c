// Text classification (e.g. sentiment): embedding → (bidirectional) LSTM/GRU → pooling over the valid steps
// (mean or max) or the last state → dense softmax over the classes, on one Sequential.
import {
  adam,
  type Backend,
  bidirectional,
  CorruptModelError,
  checkOneOf,
  checkPositiveInt,
  checkPositiveNumber,
  checkRange,
  dense,
  dropout as dropoutLayer,
  embedding,
  gru,
  InvalidArgumentError,
  type LayerDef,
  loadModelBytes,
  lstm,
  Rng,
  recurrent,
  Sequential,
  saveModelBytes,
  softmaxCrossEntropy,
} from '@rnn/core';
import { readBundle, rebuildSequential, sequentialJson, sequentialTensors, writeBundle } from '../bundle.js';
import { type Inspection, type InspectOptions, inspect } from '../inspect/inspect.js';
import { softmax } from '../lm/sampling.js';
import { padBatch } from '../text/batch.js';
import { type Tokenizer, tokenizerFromJSON } from '../text/tokenizers.js';
import { type ClassificationReport, classificationReport } from './metrics.js';
import { SEQUENCE_POOLING_KIND, sequencePooling, sequencePoolingFromConfig } from './pooling.js';

export const CLASSIFIER_POOLINGS = ['mean', 'max', 'last'] as const;
export const CLASSIFIER_CELLS = ['lstm', 'gru'] as const;

export interface TextClassifierOptions {
  tokenizer: Tokenizer;
  /** Class names, at least two; a label's index is its class id. */
  labels: readonly string[];
  /** Default 'lstm'. */
  cell?: (typeof CLASSIFIER_CELLS)[number];
  /** Read the text in both directions and concatenate. Default true. */
  bidirectional?: boolean;
  /** mean / max over the valid steps, or the last state (the final state of each direction). Default 'mean'. */
  pooling?: (typeof CLASSIFIER_POOLINGS)[number];
  /** Default 64. */
  embeddingSize?: number;
  /** Default 64 (per direction). */
  hiddenSize?: number;
  /** Dropout on the pooled features, in [0, 1). Default 0. */
  dropout?: number;
  /** Adam learning rate. Default 0.003. */
  learningRate?: number;
  /** Global gradient-norm clipping. Default 5. */
  clipNorm?: number;
  /** Longest text in tokens the model takes; longer texts are an error, never truncated. Default 256. */
  maxLength?: number;
  /** Default 0. */
  seed?: number;
}

export interface ClassifierFitOptions {
  /** Default 5. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Seeds the shuffling. Default 0. */
  seed?: number;
  /** Stop after this many seconds (checked between batches). */
  seconds?: number;
  validation?: { texts: readonly string[]; labels: readonly (string | number)[] };
  /**
   * Stop when the validation loss has not improved for `patience` epochs, and keep the weights of the best
   * epoch. Needs `validation`.
   */
  earlyStopping?: { patience: number };
  signal?: AbortSignal;
  onEpochEnd?: (log: ClassifierEpochLog) => void | Promise<void>;
}

export interface ClassifierEpochLog {
  epoch: number;
  /** Mean training cross-entropy. */
  loss: number;
  seconds: number;
  validation?: ClassifierEvaluation;
}

export interface ClassifierHistory {
  epochs: ClassifierEpochLog[];
  seconds: number;
  stopped: 'completed' | 'seconds' | 'aborted' | 'earlyStopping';
  /** With early stopping: the epoch whose weights the model kept. */
  bestEpoch?: number;
}

export interface ClassifierEvaluation extends ClassificationReport {
  /** Mean cross-entropy. */
  loss: number;
}

export interface Classification {
  label: string;
  index: number;
  probabilities: Float64Array;
}

/** Which tokens drove a classification (`explain`). */
export interface Explanation {
  /** The text's tokens, as the model reads them. */
  tokens: string[];
  /** The class explained (by default the predicted one), its index and probability. */
  label: string;
  index: number;
  probability: number;
  /**
   * Per token: gradient × input of the class's log-probability with respect to the token's embedding vector
   * (summed over its dimensions). Positive pushes towards the class, negative away from it; to first order the
   * values sum to log p(class) minus its value with every embedding vector set to zero.
   */
  saliency: Float64Array;
}

/** A saved classifier: the core model file (it holds a sequencePooling layer) and what it needs besides. */
export interface TextClassifierFiles {
  model: Uint8Array;
  tokenizer: string;
  labels: string[];
  maxLength: number;
}

/** The `kind` of a classifier file (toBytes). */
const KIND = 'text-classifier';

/** The labels and maximum length of a saved classifier, checked (`where`: 'files' or 'manifest'). */
function checkSaved(labels: unknown, maxLength: unknown, where: string): { labels: string[]; maxLength: number } {
  let checked: string[];
  try {
    checked = checkLabels(labels);
  } catch {
    throw new CorruptModelError(`${where}.labels`, 'at least two distinct class names', labels);
  }
  if (!Number.isInteger(maxLength) || (maxLength as number) <= 0)
    throw new CorruptModelError(`${where}.maxLength`, 'a positive integer', maxLength);
  return { labels: checked, maxLength: maxLength as number };
}

export class TextClassifier {
  private constructor(
    readonly model: Sequential,
    readonly tokenizer: Tokenizer,
    readonly labels: readonly string[],
    readonly maxLength: number,
  ) {}

  static create(backend: Backend, options: TextClassifierOptions): TextClassifier {
    if (typeof options?.tokenizer?.encode !== 'function')
      throw new InvalidArgumentError('options.tokenizer', 'a Tokenizer (e.g. WordTokenizer.train(texts))', options?.tokenizer);
    const labels = checkLabels(options.labels);
    const cellKind = checkOneOf('options.cell', options.cell ?? 'lstm', CLASSIFIER_CELLS);
    const pooling = checkOneOf('options.pooling', options.pooling ?? 'mean', CLASSIFIER_POOLINGS);
    const bi = options.bidirectional ?? true;
    if (typeof bi !== 'boolean') throw new InvalidArgumentError('options.bidirectional', 'a boolean', bi);
    const E = checkPositiveInt('options.embeddingSize', options.embeddingSize ?? 64);
    const H = checkPositiveInt('options.hiddenSize', options.hiddenSize ?? 64);
    const rate = checkRange('options.dropout', options.dropout ?? 0, 0, 1, true);
    const maxLength = checkPositiveInt('options.maxLength', options.maxLength ?? 256);
    const cell = (cellKind === 'lstm' ? lstm : gru)({ inputSize: E, hiddenSize: H });
    const returnSequences = pooling !== 'last';
    const features = bi ? 2 * H : H;
    const layers: LayerDef[] = [
      embedding({ vocabSize: options.tokenizer.vocabulary.size, embeddingSize: E, paddingIndex: options.tokenizer.vocabulary.padId }),
      bi ? bidirectional({ cell, mergeMode: 'concat', returnSequences }) : recurrent({ cell, returnSequences }),
      ...(returnSequences ? [sequencePooling({ mode: pooling as 'mean' | 'max' })] : []),
      ...(rate > 0 ? [dropoutLayer({ rate })] : []),
      dense({ inputSize: features, outputSize: labels.length }),
    ];
    const model = new Sequential(backend, {
      layers,
      loss: softmaxCrossEntropy(),
      optimizer: adam({
        lr: checkPositiveNumber('options.learningRate', options.learningRate ?? 0.003),
        clipNorm: checkPositiveNumber('options.clipNorm', options.clipNorm ?? 5),
      }),
      seed: options.seed ?? 0,
    });
    return new TextClassifier(model, options.tokenizer, labels, maxLength);
  }

  static load(backend: Backend, files: TextClassifierFiles): TextClassifier {
    if (typeof files !== 'object' || files === null) throw new CorruptModelError('files', '{ model, tokenizer, labels, maxLength }', files);
    const tokenizer = tokenizerFromJSON(files.tokenizer);
    const { labels, maxLength } = checkSaved(files.labels, files.maxLength, 'files');
    const model = loadModelBytes(backend, files.model, { extraLayers: { [SEQUENCE_POOLING_KIND]: sequencePoolingFromConfig } });
    return TextClassifier.wrap(model, tokenizer, labels, maxLength, 'files.model');
  }

  /** The classifier around a loaded model, checked to fit its tokenizer and labels (else freed, CorruptModelError). */
  private static wrap(model: Sequential, tokenizer: Tokenizer, labels: string[], maxLength: number, where: string): TextClassifier {
    const configs = model.layerConfigs();
    const last = configs[configs.length - 1]!;
    if (configs[0]!.kind !== 'embedding' || configs[0]!.vocabSize !== tokenizer.vocabulary.size || last.outputSize !== labels.length) {
      model.dispose();
      throw new CorruptModelError(
        where,
        `an embedding of ${tokenizer.vocabulary.size} tokens ... a dense layer of ${labels.length} classes`,
        'another architecture',
      );
    }
    return new TextClassifier(model, tokenizer, labels, maxLength);
  }

  /** The classifier as one checksummed file (see bundle.ts): architecture, weights, tokenizer, labels, maxLength. */
  toBytes(): Uint8Array {
    return writeBundle(
      KIND,
      { model: sequentialJson(this.model), tokenizer: this.tokenizer.toJSON(), labels: [...this.labels], maxLength: this.maxLength },
      sequentialTensors(this.model),
      this.model.backend.dtype,
    );
  }

  /** A classifier written by toBytes, on any backend. Throws CorruptModelError when the bytes are not one. */
  static fromBytes(backend: Backend, bytes: Uint8Array): TextClassifier {
    const bundle = readBundle(bytes, KIND);
    const { tokenizer: tokenizerJson, labels, maxLength, model: modelJson } = bundle.payload;
    const tokenizer = tokenizerFromJSON(tokenizerJson);
    const checked = checkSaved(labels, maxLength, 'manifest');
    const model = rebuildSequential(backend, bundle, modelJson, { [SEQUENCE_POOLING_KIND]: sequencePoolingFromConfig });
    return TextClassifier.wrap(model, tokenizer, checked.labels, checked.maxLength, 'manifest.model');
  }

  save(): TextClassifierFiles {
    return {
      model: saveModelBytes(this.model),
      tokenizer: JSON.stringify(this.tokenizer.toJSON()),
      labels: [...this.labels],
      maxLength: this.maxLength,
    };
  }

  async fit(
    texts: readonly string[],
    labels: readonly (string | number)[],
    options: ClassifierFitOptions = {},
  ): Promise<ClassifierHistory> {
    const epochs = checkPositiveInt('options.epochs', options.epochs ?? 5);
    const batchSize = checkPositiveInt('options.batchSize', options.batchSize ?? 32);
    const seconds = options.seconds === undefined ? Number.POSITIVE_INFINITY : checkPositiveNumber('options.seconds', options.seconds);
    const ids = this.encodeAll(texts, 'texts');
    const y = this.classIds(labels, texts.length, 'labels');
    const patience =
      options.earlyStopping === undefined ? null : checkPositiveInt('options.earlyStopping.patience', options.earlyStopping?.patience);
    if (patience !== null && !options.validation)
      throw new InvalidArgumentError('options.validation', 'a validation set (early stopping monitors its loss)', options.validation);
    let best: { loss: number; epoch: number; weights: ReturnType<Sequential['getWeights']> } | null = null;
    const rng = new Rng(options.seed ?? 0);
    const start = performance.now();
    const elapsed = (): number => (performance.now() - start) / 1000;
    const history: ClassifierHistory = { epochs: [], seconds: 0, stopped: 'completed' };
    for (let epoch = 1; epoch <= epochs && history.stopped === 'completed'; epoch++) {
      const order = rng.shuffle(Array.from(ids.keys()));
      let sum = 0;
      let batches = 0;
      for (let s = 0; s < order.length; s += batchSize) {
        if (options.signal?.aborted) history.stopped = 'aborted';
        else if (elapsed() >= seconds) history.stopped = 'seconds';
        if (history.stopped !== 'completed') break;
        const rows = order.slice(s, s + batchSize);
        const batch = padBatch(
          rows.map((r) => ids[r]!),
          this.tokenizer.vocabulary.padId,
        );
        const { loss } = this.model.trainStep({
          x: { data: batch.data, shape: batch.shape },
          y: { data: Int32Array.from(rows, (r) => y[r]!), shape: [rows.length] },
          lengths: batch.lengths,
        });
        sum += loss;
        batches++;
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
      }
      if (batches === 0) break;
      const log: ClassifierEpochLog = { epoch, loss: sum / batches, seconds: elapsed() };
      if (options.validation) log.validation = this.evaluate(options.validation.texts, options.validation.labels);
      history.epochs.push(log);
      await options.onEpochEnd?.(log);
      if (patience !== null) {
        if (!best || log.validation!.loss < best.loss) best = { loss: log.validation!.loss, epoch, weights: this.model.getWeights() };
        else if (epoch - best.epoch >= patience) history.stopped = 'earlyStopping';
      }
    }
    if (best) {
      this.model.setWeights(best.weights);
      history.bestEpoch = best.epoch;
    }
    history.seconds = elapsed();
    return history;
  }

  /** Class probabilities for each text. */
  predictProbabilities(texts: readonly string[], options: { batchSize?: number } = {}): Float64Array[] {
    return this.logits(this.encodeAll(texts, 'texts'), options.batchSize).map((row) => softmax(row));
  }

  classify(texts: readonly string[]): Classification[] {
    return this.predictProbabilities(texts).map((probabilities) => {
      let index = 0;
      for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[index]!) index = c;
      return { label: this.labels[index]!, index, probabilities };
    });
  }

  /** Loss, accuracy, confusion matrix and per-class / macro / micro precision, recall and F1. */
  evaluate(texts: readonly string[], labels: readonly (string | number)[]): ClassifierEvaluation {
    const ids = this.encodeAll(texts, 'texts');
    const y = this.classIds(labels, texts.length, 'labels');
    const logits = this.logits(ids);
    let loss = 0;
    const predicted = logits.map((row, i) => {
      const p = softmax(row);
      loss -= Math.log(Math.max(p[y[i]!]!, Number.MIN_VALUE));
      let best = 0;
      for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
      return best;
    });
    return { loss: loss / texts.length, ...classificationReport(y, predicted, this.labels) };
  }

  /** Per-token activations of the recurrent layer(s) for one text. */
  inspect(text: string, options: InspectOptions = {}): Inspection {
    const [ids] = this.encodeAll([text], 'text');
    return inspect(this.model, ids!, { ...options, tokens: this.tokenizer.vocabulary.decode(ids!) });
  }

  /**
   * Which tokens of `text` drive the probability of `options.label` (default: the predicted class): gradient ×
   * input saliency, from `Sequential.inputGradient` at the embedding's output (inference mode, no dropout).
   */
  explain(text: string, options: { label?: string | number } = {}): Explanation {
    const [ids] = this.encodeAll([text], 'text');
    const probabilities = this.predictProbabilities([text])[0]!;
    let index = 0;
    if (options.label === undefined)
      for (let c = 1; c < probabilities.length; c++) index = probabilities[c]! > probabilities[index]! ? c : index;
    else index = this.classIds([options.label], 1, 'options.label')[0]!;
    const T = ids!.length;
    const { gradient } = this.model.inputGradient(
      { x: { data: ids!, shape: [1, T] }, y: { data: [index], shape: [1] } },
      { layer: 1 }, // the embedding's output: token ids have no gradient
    );
    const table = this.model.backend.read(this.model.params[0]!.value); // the embedding table (layer 0)
    const E = gradient.shape[2]!;
    // the loss is -log p(class): its gradient, negated, is that of the log-probability
    const saliency = Float64Array.from({ length: T }, (_, t) => {
      let dot = 0;
      for (let e = 0; e < E; e++) dot -= gradient.data[t * E + e]! * table[ids![t]! * E + e]!;
      return dot;
    });
    return {
      tokens: this.tokenizer.vocabulary.decode(ids!),
      label: this.labels[index]!,
      index,
      probability: probabilities[index]!,
      saliency,
    };
  }

  dispose(): void {
    this.model.dispose();
  }

  private logits(ids: Int32Array[], batchSize = 64): Float64Array[] {
    checkPositiveInt('options.batchSize', batchSize);
    const out: Float64Array[] = [];
    const C = this.labels.length;
    for (let s = 0; s < ids.length; s += batchSize) {
      const batch = padBatch(ids.slice(s, s + batchSize), this.tokenizer.vocabulary.padId);
      const y = this.model.predict({ data: batch.data, shape: batch.shape }, { lengths: batch.lengths }).data;
      for (let r = 0; r < batch.shape[0]; r++) out.push(Float64Array.from(y.subarray(r * C, (r + 1) * C)));
    }
    return out;
  }

  private encodeAll(texts: readonly string[], argument: string): Int32Array[] {
    if (!Array.isArray(texts) || texts.length === 0) throw new InvalidArgumentError(argument, 'a non-empty array of texts', texts);
    return texts.map((text, i) => {
      const ids = this.tokenizer.encode(text);
      if (ids.length === 0) throw new InvalidArgumentError(`${argument}[${i}]`, 'text with at least one token', text);
      if (ids.length > this.maxLength)
        throw new InvalidArgumentError(`${argument}[${i}]`, `at most maxLength = ${this.maxLength} tokens`, `${ids.length} tokens`);
      return ids;
    });
  }

  private classIds(labels: readonly (string | number)[], n: number, argument: string): Int32Array {
    if (!Array.isArray(labels) || labels.length !== n) throw new InvalidArgumentError(argument, `${n} labels (one per text)`, labels);
    return Int32Array.from(labels, (l, i) => {
      const c = typeof l === 'string' ? this.labels.indexOf(l) : l;
      if (!(Number.isInteger(c) && c >= 0 && c < this.labels.length))
        throw new InvalidArgumentError(
          `${argument}[${i}]`,
          `a class name (${this.labels.join(', ')}) or index below ${this.labels.length}`,
          l,
        );
      return c;
    });
  }
}

function checkLabels(labels: unknown): string[] {
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string') || new Set(labels).size !== labels.length)
    throw new InvalidArgumentError('options.labels', 'at least two distinct class names', labels);
  return [...labels];
}
