// @rnn/backend-tfjs: the Backend contract on TensorFlow.js ops, so it runs on whatever tfjs backend the app
// has active (cpu, wasm, webgl, webgpu). tf tensors are immutable, so a handle owns a replaceable tf.Tensor:
// an op computes its result inside tf.tidy and swaps it in, disposing the old one — nothing leaks.
import {
  type Activation,
  BACKEND_SPEC_VERSION,
  type Backend,
  BackendNotReadyError,
  checks,
  type FusedKind,
  InvalidArgumentError,
  type PointwiseLoss,
  ShapeError,
  type Tensor,
} from '@rnn/core';
import type * as tfc from '@tensorflow/tfjs-core';
import { matMulBias, matMulFor } from './cpu-gemm.js';
import { fusedKernels } from './fused.js';

export type Tf = typeof tfc;

export class TfTensor implements Tensor {
  released = false;
  constructor(
    readonly shape: readonly number[],
    readonly size: number,
    public t: tfc.Tensor,
    readonly owner: object,
    /** Extra tensors owned by the handle (a fused kernel's reserve keeps its per-step values here). */
    public extra: tfc.Tensor[] = [],
  ) {}
}

export interface TfjsBackendOptions {
  /**
   * The app's TensorFlow.js instance (`import * as tf from '@tensorflow/tfjs'` or '@tensorflow/tfjs-core'
   * with a backend package imported). Passing it avoids two copies of tfjs-core with separate registries.
   */
  tf: Tf;
}

/** A backend that computes with tf ops on the tfjs backend active when `ready()` resolves. */
export function tfjsBackend(options: TfjsBackendOptions): Backend {
  const tf = options?.tf;
  if (!tf || typeof tf.matMul !== 'function' || typeof tf.tidy !== 'function')
    throw new InvalidArgumentError('options.tf', 'the TensorFlow.js module (import * as tf from "@tensorflow/tfjs")', tf);
  const token = {};
  const mm = matMulFor(tf);
  let ready = false;
  let live = 0;
  let bytes = 0;

  const own = (argument: string, t: Tensor | null | undefined): tfc.Tensor => {
    if (!ready) throw new BackendNotReadyError(backend.name);
    if (!(t instanceof TfTensor) || t.owner !== token) throw new InvalidArgumentError(argument, 'a tensor created by this tfjs backend', t);
    checks.checkLive(argument, t);
    return t.t;
  };
  /** Replaces a handle's value (shape-checked) and disposes the old one. */
  const set = (out: Tensor, value: tfc.Tensor): void => {
    const h = out as TfTensor;
    const v =
      value.shape.length === h.shape.length && value.shape.every((d, i) => d === h.shape[i]) ? value : tf.reshape(value, [...h.shape]);
    if (v !== value) value.dispose();
    h.t.dispose();
    h.t = v;
  };
  const mat = (t: Tensor): tfc.Tensor2D => tf.reshape(own('t', t), [checks.rowsOf(t), checks.colsOf(t)]) as tfc.Tensor2D;
  const sameSize = (named: Record<string, Tensor>): void => {
    const entries = Object.entries(named);
    const n = entries[0]![1].size;
    for (const [name, t] of entries) {
      own(name, t);
      checks.checkSameSize(name, t, n);
    }
  };
  const elementwise = (named: Record<string, Tensor>, out: Tensor, f: () => tfc.Tensor): void => {
    sameSize({ ...named, out });
    set(
      out,
      tf.tidy(() => tf.reshape(f(), [...out.shape])),
    );
  };
  const flat = (t: Tensor): tfc.Tensor1D => tf.reshape(own('t', t), [t.size]) as tfc.Tensor1D;

  const activate = (kind: Activation, x: tfc.Tensor): tfc.Tensor => {
    switch (kind) {
      case 'tanh':
        // tfjs-backend-wasm's Tanh is scalar (~140 µs on 32x256, 14x its Sigmoid): use tanh x = 2σ(2x) − 1 there
        return tf.getBackend() === 'wasm' ? tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) : tf.tanh(x);
      case 'sigmoid':
        return tf.sigmoid(x);
      case 'relu':
        return tf.relu(x);
      case 'hardSigmoid':
        return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
      case 'hardSigmoid6':
        return tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1);
      case 'linear':
        return tf.clone(x);
    }
  };
  /** dy · f'(x), with f' expressed through y = f(x). */
  const activateGrad = (kind: Activation, y: tfc.Tensor, dy: tfc.Tensor): tfc.Tensor => {
    switch (kind) {
      case 'tanh':
        return tf.mul(dy, tf.sub(1, tf.square(y)));
      case 'sigmoid':
        return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
      case 'relu':
        return tf.mul(dy, tf.step(y));
      case 'hardSigmoid':
        return tf.mul(dy, tf.mul(tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), 'float32'), 0.2));
      case 'hardSigmoid6':
        return tf.mul(dy, tf.div(tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), 'float32'), 6));
      case 'linear':
        return tf.clone(dy);
    }
  };

  const backend: Backend = {
    specificationVersion: BACKEND_SPEC_VERSION,
    get name() {
      return `tfjs-${tf.getBackend() ?? 'none'}`;
    },
    dtype: 'float32',
    capabilities: { fused: ['rnn', 'lstm', 'gru'] satisfies FusedKind[] },
    async ready() {
      await tf.ready();
      ready = true;
    },
    get isReady() {
      return ready;
    },

    tensor(shape, data) {
      if (!ready) throw new BackendNotReadyError(backend.name);
      checks.checkShape('shape', shape);
      const size = checks.shapeSize(shape);
      if (data !== undefined && data.length !== size)
        throw new ShapeError('data', `${size} values for shape ${checks.fmtShape(shape)}`, `${data.length} values`);
      const t = data === undefined ? tf.zeros([...shape]) : tf.tensor(Float32Array.from(data), [...shape], 'float32');
      live++;
      bytes += size * 4;
      return new TfTensor([...shape], size, t, token);
    },
    read: (t) => Float32Array.from(own('t', t).dataSync() as Float32Array),
    write(t, data) {
      own('t', t);
      if (data?.length !== t.size) throw new ShapeError('data', `${t.size} values`, `${data?.length} values`);
      set(t, tf.tensor(Float32Array.from(data), [...t.shape], 'float32'));
    },
    release(t) {
      own('t', t);
      const h = t as TfTensor;
      h.t.dispose();
      for (const e of h.extra) e.dispose();
      h.extra = [];
      h.released = true;
      live--;
      bytes -= t.size * 4;
    },
    stats: () => ({ tensors: live, bytes }),

    gemm(a, b, out, o = {}) {
      const { n } = checks.gemmDims(a, b, out, o);
      own('a', a);
      own('b', b);
      own('out', out);
      set(
        out,
        tf.tidy(() => {
          // Explicit transposes: tfjs-backend-wasm's transposed matMul paths are ~20x slower than a copy + matMul.
          const A = o.transA ? tf.transpose(mat(a)) : mat(a);
          const B = o.transB ? tf.transpose(mat(b)) : mat(b);
          const bias = o.bias ? tf.reshape(own('bias', o.bias), [n]) : undefined;
          let r: tfc.Tensor = (o.beta ?? 0) === 0 && (o.alpha ?? 1) === 1 ? matMulBias(tf, mm, A, B, bias) : mm(A, B);
          if ((o.alpha ?? 1) !== 1) r = tf.mul(r, o.alpha!);
          if ((o.beta ?? 0) !== 0) r = tf.add(r, tf.mul(mat(out), o.beta!));
          if (bias && !((o.beta ?? 0) === 0 && (o.alpha ?? 1) === 1)) r = tf.add(r, bias);
          return r;
        }),
      );
    },

    fill(out, v) {
      own('out', out);
      set(out, tf.fill([...out.shape], v));
    },
    copy: (src, out) => elementwise({ src }, out, () => tf.clone(own('src', src))),
    add: (a, b, out) => elementwise({ a, b }, out, () => tf.add(flat(a), flat(b))),
    sub: (a, b, out) => elementwise({ a, b }, out, () => tf.sub(flat(a), flat(b))),
    mul: (a, b, out) => elementwise({ a, b }, out, () => tf.mul(flat(a), flat(b))),
    addMul: (a, b, out) => elementwise({ a, b }, out, () => tf.add(flat(out), tf.mul(flat(a), flat(b)))),
    axpy: (alpha, x, y) => elementwise({ x }, y, () => tf.add(flat(y), tf.mul(flat(x), alpha))),
    scale: (x, alpha, out) => elementwise({ x }, out, () => tf.mul(flat(x), alpha)),
    clip: (x, lo, hi, out) => elementwise({ x }, out, () => tf.clipByValue(flat(x), lo, hi)),
    activation(kind, x, out) {
      checks.checkActivation('kind', kind);
      elementwise({ x }, out, () => activate(kind, flat(x)));
    },
    activationGrad(kind, y, dy, out) {
      checks.checkActivation('kind', kind);
      elementwise({ y, dy }, out, () => activateGrad(kind, flat(y), flat(dy)));
    },

    sumRows(x, out, beta = 0) {
      own('x', x);
      own('out', out);
      checks.checkSameSize('out', out, checks.colsOf(x));
      set(
        out,
        tf.tidy(() => {
          const s = tf.sum(mat(x), 0);
          return beta === 0 ? s : tf.add(s, tf.mul(flat(out), beta));
        }),
      );
    },
    sumSquares(x) {
      const s = tf.tidy(() => tf.sum(tf.square(own('x', x))));
      const v = s.dataSync()[0]!;
      s.dispose();
      return v;
    },
    mulRows(x, m, out) {
      sameSize({ x, out });
      own('m', m);
      checks.checkSameSize('m', m, checks.rowsOf(x));
      set(
        out,
        tf.tidy(() => tf.mul(mat(x), tf.reshape(own('m', m), [checks.rowsOf(x), 1]))),
      );
    },

    concat(parts, out) {
      checks.checkColumnParts(out, parts, 'out');
      parts.forEach((p, i) => own(`parts[${i}]`, p));
      set(
        out,
        tf.tidy(() =>
          tf.concat(
            parts.map((p) => mat(p)),
            1,
          ),
        ),
      );
    },
    split(x, parts) {
      checks.checkColumnParts(x, parts, 'x');
      parts.forEach((p, i) => own(`parts[${i}]`, p));
      const pieces = tf.tidy(() =>
        tf.split(
          mat(x),
          parts.map((p) => checks.colsOf(p)),
          1,
        ),
      );
      pieces.forEach((piece, i) => set(parts[i]!, piece));
    },
    getStep(seq, t, out) {
      const { B, F } = checks.checkStep(seq, t, out);
      own('out', out);
      set(
        out,
        tf.tidy(() => tf.slice(own('seq', seq), [0, t, 0], [B, 1, F])),
      );
    },
    setStep(seq, t, src, accumulate = false) {
      const { B, T, F } = checks.checkStep(seq, t, src);
      own('src', src);
      set(
        seq,
        tf.tidy(() => {
          const s = own('seq', seq);
          const step = tf.reshape(own('src', src), [B, 1, F]);
          const value = accumulate ? tf.add(tf.slice(s, [0, t, 0], [B, 1, F]), step) : step;
          const parts = [
            t > 0 ? tf.slice(s, [0, 0, 0], [B, t, F]) : null,
            value,
            t < T - 1 ? tf.slice(s, [0, t + 1, 0], [B, T - t - 1, F]) : null,
          ];
          return tf.concat(
            parts.filter((p): p is tfc.Tensor => p !== null),
            1,
          );
        }),
      );
    },
    reverseTime(x, lengths, out) {
      if (x.shape.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', checks.fmtShape(x.shape));
      sameSize({ x, out });
      const [B, T, F] = x.shape as [number, number, number];
      const lens = lengths ? checks.checkLengths('lengths', lengths, B, T) : null;
      set(
        out,
        tf.tidy(() => {
          if (!lens) return tf.reverse(own('x', x), 1);
          const index = new Int32Array(B * T);
          const keep = new Float32Array(B * T);
          for (let b = 0; b < B; b++)
            for (let t = 0; t < T; t++) {
              const src = t < lens[b]! ? lens[b]! - 1 - t : t;
              index[b * T + t] = b * T + src;
              keep[b * T + t] = t < lens[b]! ? 1 : 0;
            }
          const rows = tf.gather(tf.reshape(own('x', x), [B * T, F]), tf.tensor1d(index, 'int32'));
          return tf.mul(rows, tf.tensor2d(keep, [B * T, 1]));
        }),
      );
    },
    gatherRows(table, indices, out) {
      const E = checks.colsOf(table);
      const idx = own('indices', indices).dataSync();
      checks.checkIndices('indices', idx, checks.rowsOf(table));
      own('out', out);
      checks.checkSameSize('out', out, idx.length * E);
      set(
        out,
        tf.tidy(() => tf.gather(mat(table), tf.tensor1d(Int32Array.from(idx), 'int32'))),
      );
    },
    scatterAddRows(src, indices, table, skipIndex) {
      const [V, E] = [checks.rowsOf(table), checks.colsOf(table)];
      const idx = Int32Array.from(own('indices', indices).dataSync());
      checks.checkIndices('indices', idx, V);
      own('src', src);
      checks.checkSameSize('src', src, idx.length * E);
      set(
        table,
        tf.tidy(() => {
          // one-hot(indices)ᵀ · src: works on every tfjs backend (tfjs-backend-wasm has no UnsortedSegmentSum)
          const weights = Float32Array.from(idx, (i) => (i === skipIndex ? 0 : 1));
          const oneHot = tf.mul(tf.cast(tf.oneHot(tf.tensor1d(idx, 'int32'), V), 'float32'), tf.tensor2d(weights, [idx.length, 1]));
          return tf.add(mat(table), mm(tf.transpose(oneHot), mat(src)));
        }),
      );
    },

    softmaxCrossEntropy(logits, labels, dLogits, options) {
      const { weights, ignore } = checks.checkCrossEntropyOptions(checks.colsOf(logits), options);
      const { n, c } = checks.checkLabels(logits, labels, ignore);
      if (dLogits) sameSize({ logits, dLogits });
      // per-row weight w_y / total (0 for ignored rows), computed on the host from the labels
      const rowWeight = new Float32Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) if (labels[i] !== ignore) total += weights ? weights[labels[i]!]! : 1;
      for (let i = 0; i < n; i++) rowWeight[i] = labels[i] === ignore || total === 0 ? 0 : (weights ? weights[labels[i]!]! : 1) / total;
      const safe = Int32Array.from(labels, (l) => (l === ignore ? 0 : l));
      const [loss, grad] = tf.tidy(() => {
        const L = mat(logits);
        const w = tf.tensor2d(rowWeight, [n, 1]);
        const oneHot = tf.cast(tf.oneHot(tf.tensor1d(safe, 'int32'), c), 'float32');
        const logp = tf.logSoftmax(L);
        const l = tf.neg(tf.sum(tf.mul(tf.mul(logp, oneHot), w)));
        return [l, dLogits ? tf.mul(tf.sub(tf.exp(logp), oneHot), w) : null] as const;
      });
      const value = loss.dataSync()[0]!;
      loss.dispose();
      if (dLogits && grad) set(dLogits, grad);
      return value;
    },
    pointwiseLoss(kind: PointwiseLoss, prediction, target, dPrediction, delta = 1) {
      checks.checkLoss('kind', kind);
      sameSize({ prediction, target });
      if (dPrediction) sameSize({ prediction, dPrediction });
      const n = prediction.size;
      const [loss, grad] = tf.tidy(() => {
        const p = flat(prediction);
        const y = flat(target);
        const e = tf.sub(p, y);
        let l: tfc.Tensor;
        let g: tfc.Tensor;
        if (kind === 'mse') [l, g] = [tf.square(e), tf.mul(e, 2)];
        else if (kind === 'mae') [l, g] = [tf.abs(e), tf.sign(e)];
        else if (kind === 'huber') {
          const a = tf.abs(e);
          const small = tf.lessEqual(a, delta);
          l = tf.where(small, tf.mul(tf.square(e), 0.5), tf.mul(tf.sub(a, 0.5 * delta), delta));
          g = tf.where(small, e, tf.mul(tf.sign(e), delta));
        } else {
          l = tf.add(tf.sub(tf.relu(p), tf.mul(p, y)), tf.log1p(tf.exp(tf.neg(tf.abs(p)))));
          g = tf.sub(tf.sigmoid(p), y);
        }
        return [tf.mean(l), dPrediction ? tf.div(g, n) : null] as const;
      });
      const value = loss.dataSync()[0]!;
      loss.dispose();
      if (dPrediction && grad) set(dPrediction, grad);
      return value;
    },

    adamUpdate(param, grad, m, v, h) {
      sameSize({ param, grad, m, v });
      const [P, M, V] = tf.tidy(() => {
        const g = flat(grad);
        const mi = tf.add(tf.mul(flat(m), h.beta1), tf.mul(g, 1 - h.beta1));
        const vi = tf.add(tf.mul(flat(v), h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
        const step = tf.div(tf.mul(mi, h.lr / (1 - h.beta1 ** h.step)), tf.add(tf.sqrt(tf.div(vi, 1 - h.beta2 ** h.step)), h.eps));
        return [tf.sub(tf.mul(flat(param), 1 - h.lr * h.weightDecay), step), mi, vi];
      });
      set(param, P!);
      set(m, M!);
      set(v, V!);
    },
    sgdUpdate(param, grad, velocity, h) {
      sameSize({ param, grad });
      if (velocity) sameSize({ param, velocity });
      const [P, Vel] = tf.tidy(() => {
        let g = tf.add(flat(grad), tf.mul(flat(param), h.weightDecay));
        let vel: tfc.Tensor | null = null;
        if (velocity) {
          vel = tf.add(tf.mul(flat(velocity), h.momentum), g);
          g = h.nesterov ? tf.add(g, tf.mul(vel, h.momentum)) : vel;
        }
        return [tf.sub(flat(param), tf.mul(g, h.lr)), vel] as const;
      });
      set(param, P);
      if (velocity && Vel) set(velocity, Vel);
    },
    rmspropUpdate(param, grad, square, momentum, h) {
      sameSize({ param, grad, square });
      if (momentum) sameSize({ param, momentum });
      const [P, S, M] = tf.tidy(() => {
        const g = tf.add(flat(grad), tf.mul(flat(param), h.weightDecay));
        const s = tf.add(tf.mul(flat(square), h.rho), tf.mul(tf.square(g), 1 - h.rho));
        const step = tf.div(g, tf.add(tf.sqrt(s), h.eps));
        const mo = momentum ? tf.add(tf.mul(flat(momentum), h.momentum), step) : null;
        return [tf.sub(flat(param), tf.mul(mo ?? step, h.lr)), s, mo] as const;
      });
      set(param, P);
      set(square, S);
      if (momentum && M) set(momentum, M);
    },
    adagradUpdate(param, grad, sum, h) {
      sameSize({ param, grad, sum });
      const [P, S] = tf.tidy(() => {
        const g = tf.add(flat(grad), tf.mul(flat(param), h.weightDecay));
        const s = tf.add(flat(sum), tf.square(g));
        return [tf.sub(flat(param), tf.div(tf.mul(g, h.lr), tf.add(tf.sqrt(s), h.eps))), s];
      });
      set(param, P!);
      set(sum, S!);
    },

    rnnForward: (a) => fused.forward(a),
    rnnBackward: (a) => fused.backward(a),

    dispose() {},
  };
  const fused = fusedKernels(tf, { own, set, tensor: (shape) => backend.tensor(shape), activate, activateGrad }, mm);
  return backend;
}
