// Weight initialisers. Each produces float64 values from a seeded Rng, so the same seed gives the same model.
import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../random.js';

export interface Initializer {
  /** For configs and messages, e.g. "glorotUniform". */
  readonly name: string;
  fill(shape: readonly number[], rng: Rng): Float64Array;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** fan-in / fan-out of a [in, out] kernel (a vector counts as [1, n]). */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  const out = shape[shape.length - 1]!;
  return [size(shape) / out, out];
}

export const zeros = (): Initializer => ({ name: 'zeros', fill: (shape) => new Float64Array(size(shape)) });

export const constant = (value: number): Initializer => ({
  name: `constant(${value})`,
  fill: (shape) => new Float64Array(size(shape)).fill(value),
});

/** U(-limit, limit); PyTorch's RNN default is limit = 1/sqrt(hidden). */
export const uniform = (limit: number): Initializer => {
  if (!(limit > 0 && Number.isFinite(limit))) throw new InvalidArgumentError('limit', 'a finite number > 0', limit);
  return {
    name: `uniform(${limit})`,
    fill: (shape, rng) => Float64Array.from({ length: size(shape) }, () => rng.uniform(-limit, limit)),
  };
};

/** Glorot / Xavier uniform: U(±sqrt(6 / (fanIn + fanOut))), the Keras kernel default. */
export const glorotUniform = (): Initializer => ({
  name: 'glorotUniform',
  fill: (shape, rng) => {
    const [fanIn, fanOut] = fans(shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return Float64Array.from({ length: size(shape) }, () => rng.uniform(-limit, limit));
  },
});

/**
 * A (semi-)orthogonal matrix: orthonormal rows when rows <= cols, orthonormal columns otherwise
 * (modified Gram-Schmidt on Gaussian vectors), times `gain`. The Keras recurrent-kernel default.
 */
export const orthogonal = (gain = 1): Initializer => ({
  name: 'orthogonal',
  fill: (shape, rng) => {
    const cols = shape[shape.length - 1]!;
    const rows = size(shape) / cols;
    const n = Math.min(rows, cols);
    const len = Math.max(rows, cols);
    const v: Float64Array[] = [];
    for (let a = 0; a < n; a++) {
      let vec: Float64Array;
      let norm = 0;
      do {
        vec = Float64Array.from({ length: len }, () => rng.normal());
        for (const u of v) {
          let d = 0;
          for (let i = 0; i < len; i++) d += vec[i]! * u[i]!;
          for (let i = 0; i < len; i++) vec[i] -= d * u[i]!;
        }
        norm = Math.hypot(...vec);
      } while (norm < 1e-6);
      for (let i = 0; i < len; i++) vec[i] /= norm;
      v.push(vec);
    }
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows <= cols ? v[r]![c]! : v[c]![r]!);
    return out;
  },
});

/** A bias whose column blocks (gates) take given constants, others zero: e.g. LSTM forget-gate bias 1. */
export const gateConstants = (layout: readonly string[], values: Readonly<Record<string, number>>): Initializer => ({
  name: `gateConstants(${JSON.stringify(values)})`,
  fill: (shape) => {
    const out = new Float64Array(size(shape));
    const block = out.length / layout.length;
    layout.forEach((gate, g) => {
      const v = values[gate];
      if (v !== undefined) out.fill(v, g * block, (g + 1) * block);
    });
    return out;
  },
});
