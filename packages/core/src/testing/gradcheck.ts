// Finite-difference gradient checks. Run them on a float64 backend: central differences with eps = 1e-6
// are then accurate to ~1e-9 relative, so a relative error above 1e-4 means a wrong analytic gradient.
import type { Backend, Tensor } from '../backend/contract.js';
import type { Layer, LayerDef } from '../layers/layer.js';
import { Rng } from '../random.js';
import type { Batch, Sequential } from '../train/model.js';

export interface GradCheckEntry {
  /** A tensor whose elements are perturbed, and where its analytic gradient is found after `loss(true)`. */
  name: string;
  value: Tensor;
  grad: () => Tensor;
}

export interface GradCheckOptions {
  eps?: number;
  /** Check at most this many elements per tensor (spread evenly); default all. */
  maxPerTensor?: number;
}

export interface GradCheckResult {
  /** max over checked elements of |analytic − numeric| / max(|analytic|, |numeric|, 1e-5): gradients below 1e-5 are compared absolutely, since central differences carry ~1e-10 of rounding noise. */
  maxRelError: number;
  worst: { name: string; index: number; analytic: number; numeric: number } | null;
  checked: number;
}

/**
 * Compares analytic gradients with central differences. `loss(true)` must compute the loss and leave the
 * analytic gradients in each entry's grad (zeroing them first); `loss(false)` only computes the loss.
 */
export function gradCheck(
  b: Backend,
  entries: readonly GradCheckEntry[],
  loss: (withGrad: boolean) => number,
  options: GradCheckOptions = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-6;
  loss(true);
  const analytic = entries.map((e) => b.read(e.grad()));
  let result: GradCheckResult = { maxRelError: 0, worst: null, checked: 0 };
  entries.forEach((e, k) => {
    const values = b.read(e.value);
    const n = values.length;
    const stride = options.maxPerTensor && n > options.maxPerTensor ? n / options.maxPerTensor : 1;
    for (let f = 0; f < n; f += stride) {
      const i = Math.floor(f);
      const orig = values[i]!;
      values[i] = orig + eps;
      b.write(e.value, values);
      const plus = loss(false);
      values[i] = orig - eps;
      b.write(e.value, values);
      const minus = loss(false);
      values[i] = orig;
      b.write(e.value, values);
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[k]![i]!;
      const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 1e-5);
      result = {
        maxRelError: Math.max(result.maxRelError, rel),
        worst: rel >= result.maxRelError ? { name: e.name, index: i, analytic: a, numeric } : result.worst,
        checked: result.checked + 1,
      };
    }
  });
  return result;
}

export interface LayerGradCheckOptions extends GradCheckOptions {
  /** Input shape, e.g. [batch, time, features]. */
  inputShape: readonly number[];
  seed?: number;
  /** Also check dL/dx. Default true. */
  checkInput?: boolean;
}

/**
 * Gradient check of one layer: random input x and random weights R on the output, loss = sum(R ⊙ layer(x)).
 * Checks every parameter (and x). Releases everything it creates.
 */
export function layerGradCheck(b: Backend, def: LayerDef, options: LayerGradCheckOptions): GradCheckResult {
  const rng = new Rng(options.seed ?? 1);
  const layer: Layer = def.build(b, rng.fork(), 'layer');
  const x = b.tensor(
    options.inputShape,
    Array.from({ length: options.inputShape.reduce((p, q) => p * q, 1) }, () => rng.uniform(-1, 1)),
  );
  const outShape = layer.outputShape(options.inputShape);
  const R = b.tensor(
    outShape,
    Array.from({ length: outShape.reduce((p, q) => p * q, 1) }, () => rng.uniform(-1, 1)),
  );
  const r = b.read(R);
  let dx: Tensor | null = null;
  const loss = (withGrad: boolean): number => {
    const y = layer.forward(x, { training: withGrad });
    const yv = b.read(y);
    let s = 0;
    for (let i = 0; i < yv.length; i++) s += yv[i]! * r[i]!;
    if (withGrad) {
      for (const p of layer.params) b.fill(p.grad, 0);
      dx = layer.backward(R, options.checkInput ?? true);
    }
    return s;
  };
  const entries: GradCheckEntry[] = layer.params.map((p) => ({ name: p.name, value: p.value, grad: () => p.grad }));
  if (options.checkInput ?? true) entries.push({ name: 'x', value: x, grad: () => dx! });
  try {
    return gradCheck(b, entries, loss, options);
  } finally {
    layer.dispose();
    b.release(x);
    b.release(R);
  }
}

/**
 * Gradient check of a whole model on one batch: every parameter, with dropout masks frozen so the numeric
 * evaluations see the same network as the analytic gradient.
 */
export function modelGradCheck(model: Sequential, batch: Batch, options: GradCheckOptions = {}): GradCheckResult {
  model.freezeDropoutMasks(true);
  try {
    return gradCheck(
      model.backend,
      model.params.map((p) => ({ name: p.name, value: p.value, grad: () => p.grad })),
      (withGrad) => (withGrad ? model.computeGradients(batch) : model.lossOn(batch, { training: true })),
      options,
    );
  } finally {
    model.freezeDropoutMasks(false);
  }
}
