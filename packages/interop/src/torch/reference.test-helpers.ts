// Test oracle: PyTorch's nn.RNN / nn.LSTM / nn.GRU (batch_first, packed-sequence semantics), nn.Embedding and
// nn.Linear evaluated in float64 straight from the equations in the PyTorch documentation, on a state_dict in
// PyTorch's own layout (rows-out weights, gate blocks LSTM i,f,g,o and GRU r,z,n, two biases).
import type { Rng } from '@rnn/core';
import type { StoredTensor } from './safetensors.js';

export type TorchMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
export type StateDict = Map<string, StoredTensor>;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const GATES: Readonly<Record<TorchMode, number>> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

/** W·v for W [rows, cols] row-major. */
function matVec(W: ArrayLike<number>, rows: number, cols: number, v: ArrayLike<number>, b: ArrayLike<number> | null): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b ? b[r]! : 0;
    for (let c = 0; c < cols; c++) s += W[r * cols + c]! * v[c]!;
    out[r] = s;
  }
  return out;
}

/** One PyTorch cell step; returns [h', c']. */
function step(
  mode: TorchMode,
  H: number,
  gi: Float64Array,
  gh: Float64Array,
  h: Float64Array,
  c: Float64Array,
): [Float64Array, Float64Array] {
  const hNext = new Float64Array(H);
  const cNext = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    if (mode === 'LSTM') {
      // i, f, g, o
      const i = sigmoid(gi[j]! + gh[j]!);
      const f = sigmoid(gi[H + j]! + gh[H + j]!);
      const g = Math.tanh(gi[2 * H + j]! + gh[2 * H + j]!);
      const o = sigmoid(gi[3 * H + j]! + gh[3 * H + j]!);
      cNext[j] = f * c[j]! + i * g;
      hNext[j] = o * Math.tanh(cNext[j]!);
    } else if (mode === 'GRU') {
      // r, z, n;  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));  h' = (1 − z) ⊙ n + z ⊙ h
      const r = sigmoid(gi[j]! + gh[j]!);
      const z = sigmoid(gi[H + j]! + gh[H + j]!);
      const n = Math.tanh(gi[2 * H + j]! + r * gh[2 * H + j]!);
      hNext[j] = (1 - z) * n + z * h[j]!;
    } else {
      const a = gi[j]! + gh[j]!;
      hNext[j] = mode === 'RNN_TANH' ? Math.tanh(a) : Math.max(0, a);
    }
  }
  return [hNext, cNext];
}

export interface TorchRnnResult {
  /** [B, T, D·H]; steps past a sample's length are zero (pad_packed_sequence). */
  output: Float64Array;
  /** [numLayers·D, B, H] */
  hN: Float64Array;
}

/** The recurrent module `prefix` of a state dict on x [B, T, I] (each sample read up to its length). */
export function torchRnn(
  sd: StateDict,
  prefix: string,
  mode: TorchMode,
  x: ArrayLike<number>,
  shape: readonly number[],
  lengths?: readonly number[],
): TorchRnnResult {
  const [B, T, I] = shape as [number, number, number];
  const key = (n: string): string => (prefix ? `${prefix}.${n}` : n);
  const get = (n: string): ArrayLike<number> | null => (sd.get(key(n))?.data as ArrayLike<number> | undefined) ?? null;
  const H = sd.get(key('weight_hh_l0'))!.shape[1]!;
  const G = GATES[mode];
  const D = sd.has(key('weight_ih_l0_reverse')) ? 2 : 1;
  let L = 0;
  while (sd.has(key(`weight_ih_l${L}`))) L++;
  const hN = new Float64Array(L * D * B * H);
  const output = new Float64Array(B * T * D * H);
  for (let b = 0; b < B; b++) {
    const len = lengths?.[b] ?? T;
    let seq: Float64Array[] = Array.from({ length: len }, (_, t) => Float64Array.from({ length: I }, (_, i) => x[(b * T + t) * I + i]!));
    let inSize = I;
    for (let l = 0; l < L; l++) {
      const next = Array.from({ length: len }, () => new Float64Array(D * H));
      for (let d = 0; d < D; d++) {
        const s = `_l${l}${d ? '_reverse' : ''}`;
        const Wih = get(`weight_ih${s}`)!;
        const Whh = get(`weight_hh${s}`)!;
        const bih = get(`bias_ih${s}`);
        const bhh = get(`bias_hh${s}`);
        let h: Float64Array = new Float64Array(H);
        let c: Float64Array = new Float64Array(H);
        for (let k = 0; k < len; k++) {
          const t = d ? len - 1 - k : k;
          [h, c] = step(mode, H, matVec(Wih, G * H, inSize, seq[t]!, bih), matVec(Whh, G * H, H, h, bhh), h, c);
          next[t]!.set(h, d * H);
        }
        hN.set(h, ((l * D + d) * B + b) * H);
      }
      seq = next;
      inSize = D * H;
    }
    seq.forEach((v, t) => output.set(v, (b * T + t) * D * H));
  }
  return { output, hN };
}

/** nn.Linear on the last axis: y = x Wᵀ + b. */
export function torchLinear(sd: StateDict, prefix: string, x: ArrayLike<number>, rows: number): Float64Array {
  const w = sd.get(`${prefix}.weight`)!;
  const [O, I] = w.shape as [number, number];
  const b = (sd.get(`${prefix}.bias`)?.data as ArrayLike<number> | undefined) ?? null;
  const out = new Float64Array(rows * O);
  for (let r = 0; r < rows; r++)
    out.set(matVec(w.data as ArrayLike<number>, O, I, Array.prototype.slice.call(x, r * I, (r + 1) * I), b), r * O);
  return out;
}

/** nn.Embedding: ids [n] → [n, E]. */
export function torchEmbedding(sd: StateDict, prefix: string, ids: ArrayLike<number>): Float64Array {
  const w = sd.get(`${prefix}.weight`)!;
  const E = w.shape[1]!;
  const out = new Float64Array(ids.length * E);
  for (let i = 0; i < ids.length; i++) for (let e = 0; e < E; e++) out[i * E + e] = (w.data as ArrayLike<number>)[ids[i]! * E + e]!;
  return out;
}

/** A random state_dict for a PyTorch recurrent module (values uniform in ±scale, float64). */
export function randomTorchRnn(
  rng: Rng,
  prefix: string,
  o: { mode: TorchMode; inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean; bias?: boolean },
  scale = 0.5,
): StateDict {
  const sd: StateDict = new Map();
  const H = o.hiddenSize;
  const GH = GATES[o.mode] * H;
  const D = o.bidirectional ? 2 : 1;
  const put = (name: string, shape: number[]): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    sd.set(prefix ? `${prefix}.${name}` : name, {
      dtype: 'F64',
      shape,
      data: Float64Array.from({ length: n }, () => rng.uniform(-scale, scale)),
    });
  };
  for (let l = 0; l < o.numLayers; l++)
    for (let d = 0; d < D; d++) {
      const s = `_l${l}${d ? '_reverse' : ''}`;
      put(`weight_ih${s}`, [GH, l === 0 ? o.inputSize : D * H]);
      put(`weight_hh${s}`, [GH, H]);
      if (o.bias ?? true) {
        put(`bias_ih${s}`, [GH]);
        put(`bias_hh${s}`, [GH]);
      }
    }
  return sd;
}

/** A random nn.Linear / nn.Embedding weight (and bias) under `prefix`, added to sd. */
export function addRandomModule(rng: Rng, sd: StateDict, prefix: string, shape: [number, number], bias: boolean, scale = 0.5): void {
  const tensor = (s: number[]): StoredTensor => ({
    dtype: 'F64',
    shape: s,
    data: Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.uniform(-scale, scale)),
  });
  sd.set(`${prefix}.weight`, tensor(shape));
  if (bias) sd.set(`${prefix}.bias`, tensor([shape[0]]));
}
