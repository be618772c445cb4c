// The Layer contract used by models: explicit forward and backward, parameters with gradients.
import type { Backend, Tensor } from '../backend/contract.js';
import type { Initializer } from '../init/initializers.js';
import type { Rng } from '../random.js';

export interface Parameter {
  /** Unique within a model, e.g. "0.kernel" (layer index . parameter name). */
  readonly name: string;
  readonly value: Tensor;
  /** Same shape as value; accumulated by backward, zeroed by the model before each step. */
  readonly grad: Tensor;
}

export interface ForwardOptions {
  /** Training mode keeps what backward needs and applies dropout. */
  training: boolean;
  /**
   * Apply dropout in training mode (default true). False keeps what backward needs without dropping
   * anything: gradients of the inference-mode function (input gradients, saliency).
   */
  dropout?: boolean;
  /** Start recurrent layers from their carried final state (truncated BPTT, streaming). */
  carryState?: boolean;
  /** Per-sample lengths of an end-padded batch (each in 1..T); padded steps neither change state nor gradients. */
  lengths?: Int32Array | null;
}

export interface Layer {
  readonly kind: string;
  readonly params: readonly Parameter[];
  /** Output shape for an input shape (batch and time included). Throws a ShapeError on a mismatch. */
  outputShape(inputShape: readonly number[]): number[];
  /** The returned tensor belongs to the layer and stays valid until its next forward. */
  forward(x: Tensor, options: ForwardOptions): Tensor;
  /** Accumulates parameter gradients and returns dL/dx (owned by the layer), or null when needInputGrad is false. */
  backward(dy: Tensor, needInputGrad: boolean): Tensor | null;
  /** Forget carried recurrent state. */
  resetState(): void;
  /** State of the layer's random stream (dropout), saved with the model for exact resumption. */
  getRandomState?(): number[];
  setRandomState?(state: readonly number[]): void;
  toConfig(): Record<string, unknown>;
  dispose(): void;
}

/** What a model needs to build a layer: the backend it runs on and its share of the seeded RNG. */
export interface LayerDef {
  build(backend: Backend, rng: Rng, name: string): Layer;
}

export function createParameter(backend: Backend, rng: Rng, name: string, shape: readonly number[], init: Initializer): Parameter {
  return { name, value: backend.tensor(shape, init.fill(shape, rng)), grad: backend.tensor(shape) };
}

export function releaseParameters(backend: Backend, params: readonly Parameter[]): void {
  for (const p of params) {
    backend.release(p.value);
    backend.release(p.grad);
  }
}
