// The Cell contract: how a recurrent cell declares its parameters and state, and computes one time step
// forward and backward against Backend primitives. The recurrent layer (layers/recurrent.ts) unrolls any
// cell over time; when the backend has a fused kernel for `cell.fused`, the layer hands it the whole sequence.
import type { Backend, FusedCell, Tensor } from '../backend/contract.js';
import type { Workspace } from '../backend/pool.js';
import type { Initializer } from '../init/initializers.js';

export interface ParamSpec {
  /** Canonical names for fusable cells: kernel, recurrentKernel, bias, recurrentBias. */
  name: string;
  shape: readonly number[];
  init: Initializer;
}

/** Per-step tensors a cell keeps for its backward step, by name and shape (given the batch size). */
export type ShapeTable = Readonly<Record<string, readonly number[]>>;

export interface StepForward {
  params: Readonly<Record<string, Tensor>>;
  /** x_t [B, I] */
  x: Tensor;
  /** The previous state, e.g. [h] or [h, c], each [B, H]. */
  prev: readonly Tensor[];
  /** Out: the new state, same shapes. next[0] is the hidden output h_t. */
  next: readonly Tensor[];
  /** Out: this step's cache (shapes from cacheShapes). */
  cache: Readonly<Record<string, Tensor>>;
  /** Scratch tensors shared by all steps (shapes from workspaceShapes). */
  ws: Workspace;
}

export interface StepBackward extends StepForward {
  /** Parameter gradients, accumulated into (+=). */
  grads: Readonly<Record<string, Tensor>>;
  /** Gradient w.r.t. the new state (dh_t including the output's gradient, dc_t, ...). May be overwritten. */
  dNext: readonly Tensor[];
  /** Out: gradient w.r.t. the previous state. */
  dPrev: readonly Tensor[];
  /** Out: gradient w.r.t. x_t, or null when not needed. */
  dx: Tensor | null;
}

export interface Cell {
  /** 'rnn' | 'lstm' | 'gru' for the built-ins; any unique string for a contributed cell. */
  readonly kind: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Names of the column blocks of kernel / recurrentKernel / bias, in order (e.g. i, f, g, o). */
  readonly gateLayout: readonly string[];
  /** Names of the state tensors; the first is always the hidden state h. */
  readonly stateNames: readonly string[];
  readonly params: readonly ParamSpec[];
  /** The descriptor for fused backend kernels, or null if the cell has none. */
  readonly fused: FusedCell | null;
  cacheShapes(batch: number): ShapeTable;
  forwardStep(b: Backend, s: StepForward): void;
  backwardStep(b: Backend, s: StepBackward): void;
  /** A JSON-safe description that `createCell` turns back into the same cell. */
  toConfig(): CellConfig;
}

export interface CellConfig {
  kind: string;
  inputSize: number;
  hiddenSize: number;
  [option: string]: unknown;
}
