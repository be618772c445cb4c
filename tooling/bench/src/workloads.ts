// The workloads of guide PERFORMANCE.md (W1-W3), a character language model and batch-1 generation.
// FLOP model (PERFORMANCE.md): forward = T * 2 * B * (I + H) * G * H, G = 4 for LSTM and 3 for GRU; a training
// step counts 3x forward. It counts the recurrent layer only (the dense head is small by comparison).

export type WorkloadKind = 'regression' | 'charlm' | 'generate';

export interface Workload {
  name: string;
  description: string;
  kind: WorkloadKind;
  cell: 'lstm' | 'gru';
  B: number;
  T: number;
  /** Input features (regression) or embedding size (charlm, generate). */
  I: number;
  H: number;
  /** Vocabulary (charlm, generate). */
  V: number;
}

const full: Workload[] = [
  { name: 'W1', description: 'LSTM, batch 1, T 50, I 32, H 64', kind: 'regression', cell: 'lstm', B: 1, T: 50, I: 32, H: 64, V: 0 },
  { name: 'W2', description: 'LSTM, batch 32, T 64, I 64, H 256', kind: 'regression', cell: 'lstm', B: 32, T: 64, I: 64, H: 256, V: 0 },
  { name: 'W3', description: 'GRU, batch 32, T 64, I 64, H 256', kind: 'regression', cell: 'gru', B: 32, T: 64, I: 64, H: 256, V: 0 },
  {
    name: 'charlm',
    description: 'embedding 64 -> LSTM 256 -> softmax 65, batch 32, T 100',
    kind: 'charlm',
    cell: 'lstm',
    B: 32,
    T: 100,
    I: 64,
    H: 256,
    V: 65,
  },
  {
    name: 'generate',
    description: 'charlm model, batch 1, one token per call (ms per token)',
    kind: 'generate',
    cell: 'lstm',
    B: 1,
    T: 1,
    I: 64,
    H: 256,
    V: 65,
  },
];

/** The same workloads at toy sizes, for smoke tests (--quick). */
const quick: Workload[] = full.map((w) => ({ ...w, B: Math.min(w.B, 2), T: w.kind === 'generate' ? 1 : 5, I: 4, H: 8, V: w.V ? 7 : 0 }));

export function workloads(isQuick: boolean): Workload[] {
  return isQuick ? quick : full;
}

export function forwardFlops(w: Workload): number {
  const G = w.cell === 'lstm' ? 4 : 3;
  return w.T * 2 * w.B * (w.I + w.H) * G * w.H;
}

/** Deterministic pseudo-random numbers for inputs (no dependency on @rnn/core's Rng, so peers see the same data). */
export function pseudoRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Inputs and targets every implementation trains on: x uniform in [-1, 1]; y = mean of x over time (learnable). */
export function regressionData(w: Workload): { x: Float32Array; y: Float32Array } {
  const r = pseudoRandom(42);
  const x = Float32Array.from({ length: w.B * w.T * w.I }, () => 2 * r() - 1);
  const y = new Float32Array(w.B * w.I);
  for (let b = 0; b < w.B; b++)
    for (let t = 0; t < w.T; t++) for (let i = 0; i < w.I; i++) y[b * w.I + i]! += x[(b * w.T + t) * w.I + i]! / w.T;
  return { x, y };
}

/** Token ids [B, T] and next-token targets [B, T] from a repeating pattern (learnable). */
export function tokenData(w: Workload): { x: Int32Array; y: Int32Array } {
  const r = pseudoRandom(7);
  const x = new Int32Array(w.B * w.T);
  const y = new Int32Array(w.B * w.T);
  for (let b = 0; b < w.B; b++) {
    const start = Math.floor(r() * w.V);
    for (let t = 0; t < w.T; t++) {
      x[b * w.T + t] = (start + t * 3) % w.V;
      y[b * w.T + t] = (start + (t + 1) * 3) % w.V;
    }
  }
  return { x, y };
}
