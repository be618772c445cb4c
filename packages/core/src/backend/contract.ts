// The Backend contract: what a backend implements so that every cell, layer and optimizer in @rnn/core runs on it.
// Two levels (docs/architecture.md): primitives that every backend has, and optional fused whole-sequence
// kernels advertised in `capabilities.fused`, which let a backend keep the whole time loop in its own world.

/** Bumped whenever a change to this file would break an existing backend. */
export const BACKEND_SPEC_VERSION = 1 as const;

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

/**
 * Element-wise activations. `hardSigmoid` is the Keras 2 / TF.js definition clip(0.2x + 0.5, 0, 1);
 * `hardSigmoid6` is the Keras 3 / PyTorch `Hardsigmoid` definition relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1).
 * Derivatives are taken from the activation's *output* y (so a cache need not keep the pre-activation).
 */
export type Activation = 'tanh' | 'sigmoid' | 'relu' | 'hardSigmoid' | 'linear' | 'hardSigmoid6';
export const ACTIVATIONS: readonly Activation[] = ['tanh', 'sigmoid', 'relu', 'hardSigmoid', 'linear', 'hardSigmoid6'];

/**
 * A tensor handle. Data lives where the backend computes; read it with `backend.read`.
 * Rank >= 2 tensors act as matrices [product of leading dims, last dim] in GEMM and column ops.
 * Ownership is explicit: whoever creates a tensor releases it.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  readonly released: boolean;
}

export interface GemmOptions {
  /** Use op(A) = A^T. */
  transA?: boolean;
  /** Use op(B) = B^T. */
  transB?: boolean;
  /** out = alpha * op(A) op(B) + beta * out (+ bias). Defaults: alpha 1, beta 0. */
  alpha?: number;
  beta?: number;
  /** A row vector [n] added to every row of the result. */
  bias?: Tensor;
}

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based step count for bias correction. */
  step: number;
  /** Decoupled weight decay (AdamW); 0 for plain Adam. */
  weightDecay: number;
}

export interface RmspropHyper {
  lr: number;
  /** Decay of the squared-gradient average (PyTorch alpha, Keras rho). */
  rho: number;
  eps: number;
  momentum: number;
  weightDecay: number;
}

export interface AdagradHyper {
  lr: number;
  eps: number;
  weightDecay: number;
}

/** Element-wise losses: mse, mae, huber (with delta), bce (binary cross-entropy on logits). */
export type PointwiseLoss = 'mse' | 'mae' | 'huber' | 'bce';

export interface CrossEntropyOptions {
  /** Per-class weights [C]: the loss is sum(w_y · l) / sum(w_y) over counted rows (PyTorch semantics). */
  classWeights?: Float64Array | Float32Array | null;
  /** Rows whose label equals this are not counted (e.g. -100 for padding). */
  ignoreIndex?: number | null;
}

export interface SgdHyper {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** The cell kinds a backend may fuse. Canonical math and gate orders: docs/architecture.md. */
export type FusedKind = 'rnn' | 'lstm' | 'gru';

/** What a fused kernel needs to know about a cell; built by the cell (`Cell.fused`). */
export interface FusedCell {
  kind: FusedKind;
  /** Candidate / output activation: tanh for LSTM and GRU; tanh or relu for the simple RNN. */
  activation: Activation;
  /** Gate activation for LSTM and GRU: sigmoid (default), hardSigmoid or hardSigmoid6. */
  recurrentActivation: Activation;
  /** GRU only: true = reset after the recurrent matmul (PyTorch, Keras 3, cuDNN). */
  resetAfter: boolean;
}

/** Cell parameters in the canonical layout: kernel [I, G*H], recurrentKernel [H, G*H], bias [G*H]. */
export interface CellParams {
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias: Tensor;
  /** GRU with resetAfter only: the recurrent bias [3H]. */
  recurrentBias?: Tensor;
}

export interface RnnForwardArgs {
  cell: FusedCell;
  params: CellParams;
  /** [B, T, I] */
  x: Tensor;
  /** [B, H] */
  h0: Tensor;
  /** [B, H], LSTM only. */
  c0?: Tensor;
  /** Out: every hidden state [B, T, H]. */
  output: Tensor;
  /** Out: final states [B, H]. */
  hT: Tensor;
  cT?: Tensor;
  /** When false no reserve is kept (inference). */
  training: boolean;
  /**
   * Per-sample lengths [B] in 1..T for end-padded batches: steps t >= lengths[b] leave the state unchanged
   * and output zeros, and the final state is the state after step lengths[b] - 1. Null: all of length T.
   */
  lengths?: Int32Array | null;
}

export interface RnnBackwardArgs {
  cell: FusedCell;
  params: CellParams;
  x: Tensor;
  h0: Tensor;
  c0?: Tensor;
  /** The hidden states written by rnnForward. */
  output: Tensor;
  /** The reserve returned by rnnForward. */
  reserve: Tensor;
  /** Gradient of the loss w.r.t. every output step [B, T, H], or null when only the final state is used. */
  dOutput: Tensor | null;
  /** Gradient w.r.t. the final states, or null. */
  dhT: Tensor | null;
  dcT?: Tensor | null;
  /** Accumulated into (+=), so a caller can sum over chunks or layers. Same layout as params. */
  grads: CellParams;
  /** Out (overwritten): gradient w.r.t. x [B, T, I], or null when not needed. */
  dx: Tensor | null;
  /** Out (overwritten): gradients w.r.t. the initial states, or null. */
  dh0: Tensor | null;
  dc0?: Tensor | null;
  /** When true, return ||dL/dh_t|| (Frobenius over the batch) for every t. */
  stepGradNorms: boolean;
  /** The lengths given to rnnForward, if any. */
  lengths?: Int32Array | null;
}

export interface BackendStats {
  /** Live tensors (created and not yet released). */
  tensors: number;
  /** Bytes held by live tensors. */
  bytes: number;
  /** Memory the backend holds from its host (the WebAssembly linear memory size), when it manages its own heap. */
  heapBytes?: number;
}

export interface BackendCapabilities {
  /** Cell kinds with fused whole-sequence kernels (`rnnForward` / `rnnBackward`). */
  fused: readonly FusedKind[];
}

/**
 * A backend. All compute methods write into caller-allocated outputs, so a layer can allocate its
 * workspaces once and run the time loop without allocating. Outputs may not alias inputs unless stated.
 * Shapes are checked with the helpers in `backend/checks.ts` so every backend reports the same errors.
 */
export interface Backend {
  readonly specificationVersion: typeof BACKEND_SPEC_VERSION;
  readonly name: string;
  readonly dtype: DType;
  readonly capabilities: BackendCapabilities;

  /** Resolves once the backend can compute (a WASM backend compiles its module here). */
  ready(): Promise<void>;
  readonly isReady: boolean;

  // ---- memory ----
  /** A new tensor, zero-filled or holding a copy of `data` (length must equal the shape's size). */
  tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor;
  /** A copy of the tensor's data in the backend's dtype. */
  read(t: Tensor): FloatArray;
  write(t: Tensor, data: ArrayLike<number>): void;
  release(t: Tensor): void;
  stats(): BackendStats;

  // ---- linear algebra ----
  /** out = alpha * op(a) op(b) + beta * out (+ bias), on the matrix views of a, b, out. */
  gemm(a: Tensor, b: Tensor, out: Tensor, options?: GemmOptions): void;

  // ---- element-wise (same size; `out` may alias an input) ----
  fill(out: Tensor, value: number): void;
  copy(src: Tensor, out: Tensor): void;
  add(a: Tensor, b: Tensor, out: Tensor): void;
  sub(a: Tensor, b: Tensor, out: Tensor): void;
  mul(a: Tensor, b: Tensor, out: Tensor): void;
  /** out += a * b */
  addMul(a: Tensor, b: Tensor, out: Tensor): void;
  /** y += alpha * x */
  axpy(alpha: number, x: Tensor, y: Tensor): void;
  /** out = alpha * x */
  scale(x: Tensor, alpha: number, out: Tensor): void;
  /** out = min(max(x, lo), hi) */
  clip(x: Tensor, lo: number, hi: number, out: Tensor): void;
  activation(kind: Activation, x: Tensor, out: Tensor): void;
  /** out = dy * f'(x), where y = f(x) is given. */
  activationGrad(kind: Activation, y: Tensor, dy: Tensor, out: Tensor): void;

  // ---- reductions ----
  /** out[j] = beta * out[j] + sum_i x[i, j] over the matrix view of x. */
  sumRows(x: Tensor, out: Tensor, beta?: number): void;
  /** sum of x^2, in float64. */
  sumSquares(x: Tensor): number;
  /** out[r, :] = x[r, :] * m[r] over the rows of the matrix view (masks, per-sample scaling). */
  mulRows(x: Tensor, m: Tensor, out: Tensor): void;

  // ---- layout ----
  /** Writes the parts side by side along the last axis; their last dims sum to out's. */
  concat(parts: readonly Tensor[], out: Tensor): void;
  /** The inverse of concat. */
  split(x: Tensor, parts: readonly Tensor[]): void;
  /** out[b, :] = seq[b, t, :] for seq [B, T, F] and out [B, F]. */
  getStep(seq: Tensor, t: number, out: Tensor): void;
  /** seq[b, t, :] = src[b, :] (or += with accumulate). */
  setStep(seq: Tensor, t: number, src: Tensor, accumulate?: boolean): void;
  /** out[b, t] = x[b, len_b - 1 - t] for t < len_b, else 0 (len_b = T without lengths). Its own inverse. */
  reverseTime(x: Tensor, lengths: Int32Array | null, out: Tensor): void;
  /** out[i, :] = table[indices[i], :]; indices hold integers in [0, V) (embedding lookup). */
  gatherRows(table: Tensor, indices: Tensor, out: Tensor): void;
  /** table[indices[i], :] += src[i, :], skipping rows whose index equals skipIndex (embedding gradient). */
  scatterAddRows(src: Tensor, indices: Tensor, table: Tensor, skipIndex: number | null): void;

  // ---- losses (return the mean loss; write its gradient when an output is given) ----
  /** Softmax cross-entropy over rows of logits [N, C] with integer labels [N]; (weighted) mean over counted rows. */
  softmaxCrossEntropy(logits: Tensor, labels: Int32Array, dLogits: Tensor | null, options?: CrossEntropyOptions): number;
  /** Mean over all elements of an element-wise loss; `delta` is Huber's threshold. */
  pointwiseLoss(kind: PointwiseLoss, prediction: Tensor, target: Tensor, dPrediction: Tensor | null, delta?: number): number;

  // ---- optimizer updates (in place) ----
  adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, hyper: AdamHyper): void;
  sgdUpdate(param: Tensor, grad: Tensor, velocity: Tensor | null, hyper: SgdHyper): void;
  rmspropUpdate(param: Tensor, grad: Tensor, square: Tensor, momentum: Tensor | null, hyper: RmspropHyper): void;
  adagradUpdate(param: Tensor, grad: Tensor, sum: Tensor, hyper: AdagradHyper): void;

  // ---- optional fused whole-sequence kernels (present when capabilities.fused lists the kind) ----
  /** Runs the whole sequence; returns the reserve BPTT needs (null when not training). Caller releases it. */
  rnnForward?(args: RnnForwardArgs): Tensor | null;
  /** Full BPTT over the sequence; returns per-step hidden gradient norms when asked. */
  rnnBackward?(args: RnnBackwardArgs): Float64Array | null;

  /** Frees everything the backend holds. */
  dispose(): void;
}
