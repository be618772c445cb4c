// A sequential model: layers in order, a loss, an optimizer, gradient clipping; one call per training step.
// Truncated BPTT splits long sequences into chunks and carries the recurrent state between them.

import { fmtShape } from '../backend/checks.js';
import type { Backend, FloatArray, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import { checkHostTensor, type HostTensor, sliceTime } from '../data/host.js';
import {
  BackendNotReadyError,
  checkNonNegativeInt,
  checkPositiveInt,
  checkPositiveNumber,
  InvalidArgumentError,
  raw,
  ShapeError,
} from '../errors.js';
import type { Layer, LayerDef, Parameter } from '../layers/layer.js';
import type { RecurrentLayer } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { clipGradNorm, clipGradValue, globalGradNorm } from './clip.js';
import type { Loss } from './losses.js';
import type { Optimizer } from './optimizers.js';

export interface SequentialOptions {
  layers: readonly LayerDef[];
  loss: Loss;
  optimizer: Optimizer;
  /** Clip gradients to this global L2 norm before each update (PyTorch clip_grad_norm_). */
  clipNorm?: number;
  /** Clamp each gradient element to [-clipValue, clipValue]. */
  clipValue?: number;
  /** Seeds weight initialisation. Default 0. */
  seed?: number;
}

export interface StepResult {
  /** Mean loss of the batch (mean over chunks for truncated BPTT). */
  loss: number;
  /** Global gradient norm before clipping (max over chunks for truncated BPTT). */
  gradNorm: number;
}

export interface Batch {
  /** Inputs, [batch, time, features]. */
  x: HostTensor;
  /** Targets: class indices or values shaped as the loss expects (see Loss.targetShape). */
  y: HostTensor;
}

export interface Prediction {
  data: FloatArray;
  shape: number[];
}

export class Sequential {
  readonly layers: readonly Layer[];
  readonly params: readonly Parameter[];
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  readonly clipNorm: number | undefined;
  readonly clipValue: number | undefined;
  private readonly ws: Workspace;
  private disposed = false;

  constructor(
    readonly backend: Backend,
    options: SequentialOptions,
  ) {
    if (!backend || typeof backend.gemm !== 'function' || backend.specificationVersion !== 1)
      throw new InvalidArgumentError('backend', 'an @rnn backend (specificationVersion 1)', backend);
    if (!backend.isReady) throw new BackendNotReadyError(backend.name);
    if (!Array.isArray(options?.layers) || options.layers.length === 0)
      throw new InvalidArgumentError('layers', 'a non-empty array of layers', options?.layers);
    if (options.clipNorm !== undefined) checkPositiveNumber('clipNorm', options.clipNorm);
    if (options.clipValue !== undefined) checkPositiveNumber('clipValue', options.clipValue);
    const rng = new Rng(checkNonNegativeInt('seed', options.seed ?? 0));
    this.layers = options.layers.map((def, i) => def.build(backend, rng.fork(), String(i)));
    this.params = this.layers.flatMap((l) => l.params);
    this.loss = options.loss;
    this.optimizer = options.optimizer;
    this.clipNorm = options.clipNorm;
    this.clipValue = options.clipValue;
    this.ws = new Workspace(backend);
  }

  /** The recurrent layers, for diagnostics such as per-step gradient norms. */
  get recurrentLayers(): RecurrentLayer[] {
    return this.layers.filter((l): l is RecurrentLayer => l.kind === 'recurrent');
  }

  private live(): void {
    if (this.disposed) throw new InvalidArgumentError('model', 'a model that has not been disposed', raw('a disposed model'));
  }

  private upload(x: HostTensor): Tensor {
    checkHostTensor('x', x, 3);
    const t = this.ws.get('x', x.shape);
    this.backend.write(t, x.data);
    return t;
  }

  private forward(x: Tensor, training: boolean, carryState: boolean): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, { training, carryState });
    return h;
  }

  /** Runs the model on x [batch, time, features] and returns the output on the host. */
  predict(x: HostTensor, options: { carryState?: boolean } = {}): Prediction {
    this.live();
    const y = this.forward(this.upload(x), false, options.carryState ?? false);
    return { data: this.backend.read(y), shape: [...y.shape] };
  }

  /** Mean loss on a batch without updating. */
  evaluate(batch: Batch): number {
    this.live();
    const y = this.forward(this.upload(batch.x), false, false);
    checkHostTensor('y', batch.y);
    return this.loss.compute(this.backend, y, batch.y, null, this.ws);
  }

  /** Forget the state carried by recurrent layers (call between independent streams). */
  resetStates(): void {
    for (const l of this.layers) l.resetState();
  }

  /**
   * One training step: forward, loss, full BPTT, clipping, optimizer update.
   * With truncateAt = k, the sequence is cut into chunks of k steps; each chunk is one update and starts from
   * the previous chunk's final state (gradients do not flow across chunks): truncated BPTT.
   */
  trainStep(batch: Batch, options: { truncateAt?: number } = {}): StepResult {
    this.live();
    checkHostTensor('x', batch?.x, 3);
    checkHostTensor('y', batch.y);
    const T = batch.x.shape[1]!;
    if (options.truncateAt === undefined) return this.update(batch, false);
    const k = checkPositiveInt('truncateAt', options.truncateAt);
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

  /** Loss and parameter gradients for a batch, without clipping or updating (for gradient checks and diagnostics). */
  computeGradients(batch: Batch, carryState = false): number {
    this.live();
    for (const p of this.params) this.backend.fill(p.grad, 0);
    const y = this.forward(this.upload(batch.x), true, carryState);
    const dy = this.ws.get('dy', y.shape);
    const loss = this.loss.compute(this.backend, y, batch.y, dy, this.ws);
    let g: Tensor | null = dy;
    for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i]!.backward(g, i > 0);
    return loss;
  }

  private update(batch: Batch, carryState: boolean): StepResult {
    const loss = this.computeGradients(batch, carryState);
    if (!Number.isFinite(loss)) return { loss, gradNorm: Number.NaN };
    const gradNorm =
      this.clipNorm !== undefined ? clipGradNorm(this.backend, this.params, this.clipNorm) : globalGradNorm(this.backend, this.params);
    if (this.clipValue !== undefined) clipGradValue(this.backend, this.params, this.clipValue);
    this.optimizer.step(this.backend, this.params);
    return { loss, gradNorm };
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

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.layers) l.dispose();
    this.optimizer.dispose(this.backend);
    this.ws.dispose();
  }
}
