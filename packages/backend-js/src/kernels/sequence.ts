// Shared shapes of the fused whole-sequence kernels (plain arrays in, plain arrays out).
import type { Activation, FloatArray } from '@rnn/core';
import type { Scratch } from './scratch.js';

export interface SeqForward {
  B: number;
  T: number;
  I: number;
  H: number;
  act: Activation;
  rec: Activation;
  W: FloatArray;
  U: FloatArray;
  bias: FloatArray;
  /** GRU reset-after only. */
  recBias: FloatArray | null;
  x: FloatArray;
  h0: FloatArray;
  c0: FloatArray | null;
  out: FloatArray;
  hT: FloatArray;
  cT: FloatArray | null;
  /** The reserve (training) or a scratch array of the same size (inference). */
  R: FloatArray;
  /** Per-sample lengths (end padding), or null for all T. */
  lengths: Int32Array | null;
  scratch: Scratch;
}

export interface SeqBackward extends SeqForward {
  dOut: FloatArray | null;
  dhT: FloatArray | null;
  dcT: FloatArray | null;
  dW: FloatArray;
  dU: FloatArray;
  dBias: FloatArray;
  dRecBias: FloatArray | null;
  dx: FloatArray | null;
  dh0: FloatArray | null;
  dc0: FloatArray | null;
  norms: Float64Array | null;
}

export interface FusedKernel {
  /** Reserve elements per (batch, time) row. */
  reservePerStep(H: number): number;
  forward(a: SeqForward): void;
  backward(a: SeqBackward): void;
}

/** True when step t of sample b is padding. */
export const padded = (lengths: Int32Array | null, b: number, t: number): boolean => lengths !== null && t >= lengths[b];
