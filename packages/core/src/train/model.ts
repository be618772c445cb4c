// A sequential model: layers in order, a loss and an optimizer; one call per training step, `fit` for
// whole data sets. Truncated BPTT splits long sequences into chunks and carries the recurrent state.

import { checkLengths, fmtShape } from '../backend/checks.js';
import type { Backend, FloatArray, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import { checkHostTensor, type HostTensor, sliceTime } from '../data/host.js';
import {
  BackendNotReadyError,
  checkNonNegativeInt,
  checkPositiveInt,
  InvalidArgumentError,
  raw,
  ShapeError,
  UnsupportedError,
} from '../errors.js';
import type { DropoutControl } from '../layers/dropout.js';
import type { Layer, LayerDef, Parameter } from '../layers/layer.js';
import type { RecurrentLayer } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { type Dataset, type FitOptions, fit, type History } from './fit.js';
import type { Loss } from './losses.js';
import type { Optimizer } from './optimizers.js';
import { type ModelSummary, summarize } from './summary.js';

export interface SequentialOptions {
  layers: readonly LayerDef[];
  loss: Loss;
  /** Carries the learning rate, its schedule and gradient clipping. */
  optimizer: Optimizer;
  /** Seeds weight initialisation, dropout and shuffling. Default 0. */
  seed?: number;
}

export interface StepResult {
  /** Mean loss of the batch (mean over chunks for truncated BPTT). */
  loss: number;
  /** Global gradient norm before clipping (max over chunks for truncated BPTT). */
  gradNorm: number;
}

export interface Batch {
  /** Inputs: [batch, time, features], or token ids [batch, time] for a model that starts with an embedding. */
  x: HostTensor;
  /** Targets, shaped as the loss expects (see Loss.targetShape). */
  y: HostTensor;
  /** Per-sample lengths of an end-padded batch, each in 1..time. */
  lengths?: Int32Array | readonly number[];
}

export interface Prediction {
  data: FloatArray;
  shape: number[];
}

/** What `inputGradient` returns: the batch's mean loss and dLoss/dInput, shaped like the input. */
export interface InputGradient {
  loss: number;
  gradient: Prediction;
}

export interface Evaluation {
  loss: number;
  /** Fraction of correct predictions, for classification losses. */
  accuracy?: number;
}

export class Sequential {
  readonly layers: readonly Layer[];
  readonly params: readonly Parameter[];
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  /** Shuffling stream of `fit`; its state is saved with the model. */
  readonly rng: Rng;
  readonly seed: number;
  private readonly ws: Workspace;
  private disposed = false;
  private stopRequested = false;

  constructor(
    readonly backend: Backend,
    options: SequentialOptions,
  ) {
    if (!backend || typeof backend.gemm !== 'function' || backend.specificationVersion !== 1)
      throw new InvalidArgumentError('backend', 'an @rnn backend (specificationVersion 1)', backend);
    if (!backend.isReady) throw new BackendNotReadyError(backend.name);
    if (!Array.isArray(options?.layers) || options.layers.length === 0)
      throw new InvalidArgumentError('layers', 'a non-empty array of layers', options?.layers);
    if (typeof options.loss?.compute !== 'function')
      throw new InvalidArgumentError('loss', 'a Loss (e.g. softmaxCrossEntropy())', options.loss);
    if (typeof options.optimizer?.step !== 'function')
      throw new InvalidArgumentError('optimizer', 'an Optimizer (e.g. adam())', options.optimizer);
    this.seed = checkNonNegativeInt('seed', options.seed ?? 0);
    const rng = new Rng(this.seed);
    const built: Layer[] = [];
    try {
      options.layers.forEach((def, i) => built.push(def.build(backend, rng.fork(), String(i))));
    } catch (e) {
      for (const l of built) l.dispose(); // a layer that cannot be built must not strand the ones before it
      throw e;
    }
    this.layers = built;
    this.params = this.layers.flatMap((l) => l.params);
    this.rng = rng.fork();
    this.loss = options.loss;
    this.optimizer = options.optimizer;
    this.ws = new Workspace(backend);
  }

  /** The recurrent layers (bidirectional ones contribute both directions), for diagnostics such as gradient norms. */
  get recurrentLayers(): RecurrentLayer[] {
    return this.layers.flatMap((l) => {
      if (l.kind === 'recurrent') return [l as RecurrentLayer];
      if (l.kind === 'bidirectional') {
        const b = l as unknown as { forwardLayer: RecurrentLayer; backwardLayer: RecurrentLayer };
        return [b.forwardLayer, b.backwardLayer];
      }
      return [];
    });
  }

  private live(): void {
    if (this.disposed) throw new InvalidArgumentError('model', 'a model that has not been disposed', raw('a disposed model'));
  }

  /** Output shape for an input shape; throws a ShapeError naming the first layer that cannot take it. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.layers.reduce<number[]>((s, l) => l.outputShape(s), [...inputShape]);
  }

  private upload(x: HostTensor): Tensor {
    checkHostTensor('x', x);
    this.outputShape(x.shape);
    const t = this.ws.get('x', x.shape);
    this.backend.write(t, x.data);
    return t;
  }

  private lengthsOf(batch: { x: HostTensor; lengths?: Int32Array | readonly number[] }): Int32Array | null {
    return batch.lengths === undefined ? null : checkLengths('lengths', batch.lengths, batch.x.shape[0]!, batch.x.shape[1]!);
  }

  private forward(x: Tensor, training: boolean, carryState: boolean, lengths: Int32Array | null, dropout = true): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, { training, dropout, carryState, lengths });
    return h;
  }

  /** Runs the model on a batch of inputs and returns the output on the host. */
  predict(x: HostTensor, options: { carryState?: boolean; lengths?: Int32Array | readonly number[] } = {}): Prediction {
    this.live();
    const t = this.upload(x);
    const y = this.forward(t, false, options.carryState ?? false, this.lengthsOf({ x, lengths: options.lengths }));
    return { data: this.backend.read(y), shape: [...y.shape] };
  }

  /** Mean loss on one batch, without updating (inference mode unless training is set: dropout on). */
  lossOn(batch: Batch, options: { training?: boolean } = {}): number {
    this.live();
    const y = this.forward(this.upload(batch.x), options.training ?? false, false, this.lengthsOf(batch));
    checkHostTensor('y', batch.y);
    return this.loss.compute(this.backend, y, batch.y, null, this.ws, this.lengthsOf(batch));
  }

  /** Loss (and accuracy for classification losses) over a data set, in batches. */
  evaluate(data: Dataset, options: { batchSize?: number } = {}): Evaluation {
    this.live();
    const batchSize = checkPositiveInt('batchSize', options.batchSize ?? 32);
    let loss = 0;
    let count = 0;
    let correct = 0;
    let total = 0;
    let hasAccuracy = false;
    const n = data.x.shape[0]!;
    for (let start = 0; start < n; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
      const batch = takeRows(data, idx);
      const y = this.forward(this.upload(batch.x), false, false, this.lengthsOf(batch));
      loss += this.loss.compute(this.backend, y, batch.y, null, this.ws, this.lengthsOf(batch)) * idx.length;
      count += idx.length;
      const acc = this.loss.accuracy(this.backend.read(y), batch.y, y.shape);
      if (acc) {
        hasAccuracy = true;
        correct += acc.correct;
        total += acc.total;
      }
    }
    return hasAccuracy ? { loss: loss / count, accuracy: total ? correct / total : 0 } : { loss: loss / count };
  }

  /** The number of weights (every parameter's elements). */
  get parameterCount(): number {
    return this.params.reduce((n, p) => n + p.value.size, 0);
  }

  /**
   * One row per layer: what it is, its output shape for `inputShape` ([batch, time, features], or [batch, time]
   * token ids; a ShapeError names the first layer that cannot take it) and its parameter count. `String(summary)`
   * prints a table.
   */
  summary(inputShape?: readonly number[]): ModelSummary {
    this.live();
    return summarize(this.layers, inputShape ?? null); // follows the shape layer by layer (a ShapeError names the layer)
  }

  /** Forget the state carried by recurrent layers (call between independent streams). */
  resetStates(): void {
    for (const l of this.layers) l.resetState();
  }

  /**
   * One training step: forward, loss, full BPTT, the optimizer's clipping and update.
   * With truncateAt = k, the sequence is cut into chunks of k steps; each chunk is one update and starts from
   * the previous chunk's final state (gradients do not flow across chunks): truncated BPTT.
   */
  trainStep(batch: Batch, options: { truncateAt?: number } = {}): StepResult {
    this.live();
    checkHostTensor('x', batch?.x);
    checkHostTensor('y', batch.y);
    if (options.truncateAt === undefined) return this.update(batch, false);
    const k = checkPositiveInt('truncateAt', options.truncateAt);
    if (batch.lengths !== undefined)
      throw new UnsupportedError('truncateAt', 'equal-length sequences (no lengths) for truncated BPTT', batch.lengths);
    const T = batch.x.shape[1]!;
    if (batch.y.shape[0] !== batch.x.shape[0] || batch.y.shape[1] !== T)
      throw new ShapeError('y.shape', `[${batch.x.shape[0]}, ${T}, ...] (per-step targets for truncated BPTT)`, fmtShape(batch.y.shape));
    this.resetStates();
    let loss = 0;
    let gradNorm = 0;
    let chunks = 0;
    for (let t0 = 0; t0 < T; t0 += k) {
      const t1 = Math.min(T, t0 + k);
      const r = this.update({ x: sliceTime(batch.x, t0, t1), y: sliceTime(batch.y, t0, t1) }, t0 > 0);
      loss += r.loss;
      gradNorm = Math.max(gradNorm, r.gradNorm);
      chunks++;
    }
    return { loss: loss / chunks, gradNorm };
  }

  /** Loss and parameter gradients for a batch, without updating (for gradient checks and diagnostics). */
  computeGradients(batch: Batch, carryState = false): number {
    this.live();
    return this.backpropagate(batch, { carryState, dropout: true, inputOf: null }).loss;
  }

  /**
   * Forward in training mode, the loss, and backward: parameter gradients always, down to layer 0 (not its input)
   * or, with `inputOf: k`, down to the gradient of layer k's input (null when that input has none, e.g. token ids).
   */
  private backpropagate(
    batch: Batch,
    o: { carryState: boolean; dropout: boolean; inputOf: number | null },
  ): { loss: number; inputGrad: Tensor | null } {
    for (const p of this.params) this.backend.fill(p.grad, 0);
    const lengths = this.lengthsOf(batch);
    const y = this.forward(this.upload(batch.x), true, o.carryState, lengths, o.dropout);
    const dy = this.ws.get('dy', y.shape);
    const loss = this.loss.compute(this.backend, y, batch.y, dy, this.ws, lengths);
    const stop = o.inputOf ?? 0;
    let g: Tensor | null = dy;
    for (let i = this.layers.length - 1; i >= stop && g; i--) g = this.layers[i]!.backward(g, o.inputOf !== null || i > 0);
    return { loss, inputGrad: o.inputOf === null ? null : g };
  }

  /**
   * The gradient of the mean loss with respect to the model's input, or to the input of layer `layer`
   * (e.g. 1: the vectors an embedding produced, since token ids have no gradient): which input values the loss
   * is most sensitive to (saliency), and for checks against other frameworks. The model is taken in inference
   * mode (no dropout). Overwrites the parameter gradients.
   */
  inputGradient(batch: Batch, options: { layer?: number } = {}): InputGradient {
    this.live();
    checkHostTensor('x', batch?.x);
    checkHostTensor('y', batch.y);
    const k = options.layer ?? 0;
    if (!Number.isInteger(k) || k < 0 || k >= this.layers.length)
      throw new InvalidArgumentError('layer', `an integer in [0, ${this.layers.length - 1}] (a layer index)`, k);
    const { loss, inputGrad: g } = this.backpropagate(batch, { carryState: false, dropout: false, inputOf: k });
    if (!g)
      throw new UnsupportedError('layer', `a layer whose input has a gradient (layer ${k}, "${this.layers[k]!.kind}", takes token ids)`, k);
    return { loss, gradient: { data: this.backend.read(g), shape: [...g.shape] } };
  }

  private update(batch: Batch, carryState: boolean): StepResult {
    const loss = this.computeGradients(batch, carryState);
    if (!Number.isFinite(loss)) return { loss, gradNorm: Number.NaN }; // a diverged step is reported, not applied
    return { loss, gradNorm: this.optimizer.step(this.backend, this.params) };
  }

  /** Trains over a data set for some epochs (see FitOptions); yields to the event loop between batches. */
  fit(data: Dataset, options: FitOptions = {}): Promise<History> {
    this.live();
    this.stopRequested = false;
    // biome-ignore lint/suspicious/noFocusedTests: fit is the training loop (Keras's name), not a focused test
    return fit(this, data, options, () => this.stopRequested);
  }

  /** Asks a running `fit` to stop after the current batch. */
  stopTraining(): void {
    this.stopRequested = true;
  }

  /** Keeps dropout masks fixed between forward passes (gradient checks of dropout configurations). */
  freezeDropoutMasks(frozen: boolean): void {
    for (const l of this.layers) (l as Partial<DropoutControl>).freezeDropoutMasks?.(frozen);
  }

  /** Parameter values on the host, by name. */
  getWeights(): Record<string, FloatArray> {
    return Object.fromEntries(this.params.map((p) => [p.name, this.backend.read(p.value)]));
  }

  /** Sets parameter values by name; every name must exist and every length must match. */
  setWeights(weights: Readonly<Record<string, ArrayLike<number>>>): void {
    for (const [name, data] of Object.entries(weights)) {
      const p = this.params.find((q) => q.name === name);
      if (!p) throw new InvalidArgumentError(`weights["${name}"]`, `one of ${this.params.map((q) => q.name).join(', ')}`, name);
      if (data.length !== p.value.size)
        throw new ShapeError(`weights["${name}"]`, `${p.value.size} values (shape ${fmtShape(p.value.shape)})`, `${data.length} values`);
      this.backend.write(p.value, data);
    }
  }

  /** Layer configs, in order (the architecture saved in model files). */
  layerConfigs(): Record<string, unknown>[] {
    return this.layers.map((l) => l.toConfig());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.layers) l.dispose();
    this.optimizer.dispose(this.backend);
    this.ws.dispose();
  }
}

/** The rows `idx` of a data set, as a batch. */
export function takeRows(data: Dataset, idx: readonly number[]): Batch {
  const pick = (t: HostTensor): HostTensor => {
    const row = t.data.length / t.shape[0]!;
    const Ctor = t.data instanceof Float32Array ? Float32Array : t.data instanceof Int32Array ? Int32Array : Float64Array;
    const out = new Ctor(idx.length * row);
    idx.forEach((r, i) => {
      for (let j = 0; j < row; j++) out[i * row + j] = t.data[r * row + j]!;
    });
    return { data: out, shape: [idx.length, ...t.shape.slice(1)] };
  };
  const batch: Batch = { x: pick(data.x), y: pick(data.y) };
  if (data.lengths) batch.lengths = Int32Array.from(idx, (r) => data.lengths![r]!);
  return batch;
}
