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

/** Copies the last step of out [B, T, H] into hT [B, H]. */
export function lastStep(out: FloatArray, B: number, T: number, H: number, hT: FloatArray): void {
  for (let b = 0; b < B; b++) hT.set(out.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
}
