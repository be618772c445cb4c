// What the ONNX export and import tests share: sizes, seeded random models and inputs, the cell variants every
// recurrent operator is tested with, and how to read what the importer throws.
import { jsBackend } from '@rnn/backend-js';
import { type Cell, gru, type LayerDef, lstm, meanSquaredError, Rng, Sequential, sgd, simpleRnn } from '@rnn/core';
import { importOnnx } from './import.js';

export const [B, T, I, H] = [3, 5, 4, 3];
export const LENGTHS = [5, 2, 4];

/**
 * A model with every weight and bias drawn uniformly from ±0.6 (zero biases would hide bias mistakes), rounded
 * to float32 so a float64 model survives the float32 file exactly.
 */
export function randomModel(layers: LayerDef[], seed = 1, dtype: 'float32' | 'float64' = 'float32'): Sequential {
  const model = new Sequential(jsBackend({ dtype }), { layers, loss: meanSquaredError(), optimizer: sgd({ lr: 0.1 }), seed });
  const rng = new Rng(seed + 100);
  model.setWeights(
    Object.fromEntries(
      model.params.map((p) => [p.name, Float64Array.from({ length: p.value.size }, () => Math.fround(rng.uniform(-0.6, 0.6)))]),
    ),
  );
  return model;
}

export function floats(seed: number, shape: number[]): { data: Float32Array; shape: number[] } {
  const rng = new Rng(seed);
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1.5, 1.5)), shape };
}

export function tokens(seed: number, vocab: number): { data: Int32Array; shape: number[] } {
  const rng = new Rng(seed);
  return { data: Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * vocab)), shape: [B, T] };
}

/** `n` float32-representable values in ±0.7 (weights of hand-built graphs). */
export function values(seed: number, n: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Math.fround(rng.uniform(-0.7, 0.7)));
}

export function softmaxLastAxis(v: ArrayLike<number>, n: number): Float64Array {
  const out = Float64Array.from(v);
  for (let r = 0; r < out.length; r += n) {
    const row = out.subarray(r, r + n);
    const m = Math.max(...row);
    let s = 0;
    for (let i = 0; i < n; i++) s += row[i] = Math.exp(row[i]! - m);
    for (let i = 0; i < n; i++) row[i]! /= s;
  }
  return out;
}

/** Every cell variant an ONNX recurrent operator can express. */
export const CELLS: [string, (inputSize: number) => Cell][] = [
  ['LSTM', (i) => lstm({ inputSize: i, hiddenSize: H })],
  ['GRU resetAfter', (i) => gru({ inputSize: i, hiddenSize: H })],
  ['GRU reset-before', (i) => gru({ inputSize: i, hiddenSize: H, resetAfter: false })],
  ['simple RNN tanh', (i) => simpleRnn({ inputSize: i, hiddenSize: H })],
  ['simple RNN relu', (i) => simpleRnn({ inputSize: i, hiddenSize: H, activation: 'relu' })],
  ['LSTM hardSigmoid gates', (i) => lstm({ inputSize: i, hiddenSize: H, recurrentActivation: 'hardSigmoid' })],
  ['GRU hardSigmoid gates', (i) => gru({ inputSize: i, hiddenSize: H, recurrentActivation: 'hardSigmoid' })],
  [
    'GRU reset-before hardSigmoid6 gates',
    (i) => gru({ inputSize: i, hiddenSize: H, recurrentActivation: 'hardSigmoid6', resetAfter: false }),
  ],
  [
    'LSTM relu candidate, hardSigmoid6 gates',
    (i) => lstm({ inputSize: i, hiddenSize: H, activation: 'relu', recurrentActivation: 'hardSigmoid6' }),
  ],
  ['LSTM linear candidate (ONNX Affine)', (i) => lstm({ inputSize: i, hiddenSize: H, activation: 'linear' })],
];

/** The class name and message of what importOnnx throws ('none' when it does not). */
export function thrown(bytes: Uint8Array, options = {}): { type: string; message: string } {
  try {
    importOnnx(jsBackend(), bytes, options).model.dispose();
  } catch (e) {
    return { type: (e as Error).constructor.name, message: (e as Error).message };
  }
  return { type: 'none', message: '' };
}
