// "Remember the first input": step 0 carries a ±1 signal, every step carries noise, and the label (the sign
// of the signal) is scored at the last step only. To learn it, the gradient of the loss must travel from
// the last step back to the first, which is exactly where plain RNNs lose it.
import { type Batch, checkPositiveInt, type Rng } from '@rnn/core';

/** Input features per step: [signal (step 0 only), noise]. */
export const MEMORY_FEATURES = 2;

export function memoryBatch(rng: Rng, batchSize: number, length: number): Batch {
  const B = checkPositiveInt('batchSize', batchSize);
  const T = checkPositiveInt('length', length);
  const x = new Float32Array(B * T * MEMORY_FEATURES);
  const y = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const positive = rng.next() < 0.5;
    x[b * T * MEMORY_FEATURES] = positive ? 1 : -1;
    for (let t = 0; t < T; t++) x[(b * T + t) * MEMORY_FEATURES + 1] = rng.uniform(-1, 1);
    y[b] = positive ? 1 : 0;
  }
  return { x: { data: x, shape: [B, T, MEMORY_FEATURES] }, y: { data: y, shape: [B] } };
}
