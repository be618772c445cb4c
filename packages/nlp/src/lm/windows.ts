// Training and evaluation windows over a token stream: inputs [B, T] and next-token targets [B, T].
import type { Rng } from '@rnn/core';

export interface Window {
  x: { data: Int32Array; shape: [number, number] };
  y: { data: Int32Array; shape: [number, number] };
  /** Continue from the previous window's final state. */
  carry: boolean;
}

/** The corpus as B parallel streams, read L tokens at a time (the last window may be shorter). */
export function* contiguousWindows(ids: Int32Array, B: number, L: number): Generator<Window> {
  const S = Math.floor((ids.length - 1) / B); // inputs per stream
  for (let t0 = 0; t0 < S; t0 += L) {
    const T = Math.min(L, S - t0);
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      x.set(ids.subarray(b * S + t0, b * S + t0 + T), b * T);
      y.set(ids.subarray(b * S + t0 + 1, b * S + t0 + T + 1), b * T);
    }
    yield { x: { data: x, shape: [B, T] }, y: { data: y, shape: [B, T] }, carry: t0 > 0 };
  }
}

/** As many random windows as one pass over the corpus holds, B per step. */
export function* randomWindows(ids: Int32Array, B: number, L: number, rng: Rng): Generator<Window> {
  const steps = Math.max(1, Math.floor((ids.length - 1) / (B * L)));
  for (let s = 0; s < steps; s++) {
    const x = new Int32Array(B * L);
    const y = new Int32Array(B * L);
    for (let b = 0; b < B; b++) {
      const o = rng.int(ids.length - L);
      x.set(ids.subarray(o, o + L), b * L);
      y.set(ids.subarray(o + 1, o + L + 1), b * L);
    }
    yield { x: { data: x, shape: [B, L] }, y: { data: y, shape: [B, L] }, carry: false };
  }
}
