// Test helpers: run a cell through the recurrent layer on the reference backend with known weights.
import { recurrent } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { referenceBackend } from '../testing/reference-backend.js';
import type { Cell } from './cell.js';

export const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** Runs the cell over x [B, T, I] from zero state; returns weights (by param name) and all outputs [B, T, H]. */
export function runCell(cell: Cell, B: number, T: number, seed = 11) {
  const b = referenceBackend();
  const layer = recurrent({ cell, returnSequences: true }).build(b, new Rng(seed), 'l');
  const rng = new Rng(seed + 1);
  const xs = Array.from({ length: B * T * cell.inputSize }, () => rng.uniform(-1, 1));
  const x = b.tensor([B, T, cell.inputSize], xs);
  const y = b.read(layer.forward(x, { training: false }));
  const w = Object.fromEntries(cell.params.map((p, i) => [p.name, b.read(layer.params[i]!.value)]));
  layer.dispose();
  b.release(x);
  return { x: xs, y, w, leaked: b.stats().tensors };
}

/** (x W)[j] + (h U)[j] for one row, with W [I, G*H] and U [H, G*H] row-major. */
export function affine(
  x: ArrayLike<number>,
  W: ArrayLike<number>,
  h: ArrayLike<number>,
  U: ArrayLike<number>,
  cols: number,
  j: number,
): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * W[i * cols + j]!;
  for (let i = 0; i < h.length; i++) s += h[i]! * U[i * cols + j]!;
  return s;
}
