// @rnn/backend-js: every primitive as a loop over a typed array, and fused whole-sequence kernels for the
// three built-in cells. float32 by default; float64 for gradient checks.
import {
  type Activation,
  BACKEND_SPEC_VERSION,
  type Backend,
  checks,
  type DType,
  type FloatArray,
  type FusedKind,
  InvalidArgumentError,
  type PointwiseLoss,
  type RnnBackwardArgs,
  type RnnForwardArgs,
  raw,
  ShapeError,
  type Tensor,
} from '@rnn/core';
import { activationFn, activationGradFn } from './kernels/activations.js';
import { gemm } from './kernels/gemm.js';
import { gruKernel } from './kernels/gru.js';
import { lstmKernel } from './kernels/lstm.js';
import { rnnKernel } from './kernels/rnn.js';
import { Scratch } from './kernels/scratch.js';
import type { FusedKernel } from './kernels/sequence.js';

class JsTensor implements Tensor {
  released = false;
  readonly size: number;
  constructor(
    readonly shape: readonly number[],
    public data: FloatArray,
    readonly owner: object,
  ) {
    this.size = data.length;
  }
}

export interface JsBackendOptions {
  /** 'float32' (default) or 'float64' (for gradient checks: slower, exact to ~1e-15). */
  dtype?: DType;
}

/** Each returns the element's loss and writes its gradient / n when D is given. */
type PointwiseFn = (p: number, y: number, delta: number, D: FloatArray | null, i: number, n: number) => number;
const POINTWISE: Record<PointwiseLoss, PointwiseFn> = {
  mse(p, y, _d, D, i, n) {
    const e = p - y;
    if (D) D[i] = (2 * e) / n;
    return e * e;
  },
  mae(p, y, _d, D, i, n) {
    const e = p - y;
    if (D) D[i] = Math.sign(e) / n;
    return Math.abs(e);
  },
  huber(p, y, delta, D, i, n) {
    const e = p - y;
    const a = Math.abs(e);
    if (D) D[i] = (a <= delta ? e : delta * Math.sign(e)) / n;
    return a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta);
  },
  // binary cross-entropy on logits, in the overflow-free form max(p, 0) - p y + log(1 + e^-|p|)
  bce(p, y, _d, D, i, n) {
    if (D) D[i] = (1 / (1 + Math.exp(-p)) - y) / n;
    return Math.max(p, 0) - p * y + Math.log1p(Math.exp(-Math.abs(p)));
  },
};

const KERNELS: Record<FusedKind, FusedKernel> = { rnn: rnnKernel, lstm: lstmKernel, gru: gruKernel };

export function jsBackend(options: JsBackendOptions = {}): Backend {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new InvalidArgumentError('options.dtype', '"float32" or "float64"', options.dtype);
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  const token = {};
  const scratch = new Scratch(Ctor);
  let live = 0;
  let bytes = 0;

  const own = (argument: string, t: Tensor | null | undefined): FloatArray => {
    if (!(t instanceof JsTensor) || t.owner !== token)
      throw new InvalidArgumentError(argument, `a tensor created by this ${dtype} js backend`, t);
    checks.checkLive(argument, t);
    return t.data;
  };
  /** Arrays of tensors that must all have the first one's size. */
  const same = (...named: [string, Tensor][]): FloatArray[] => {
    const n = named[0]![1].size;
    return named.map(([name, t]) => {
      const d = own(name, t);
      checks.checkSameSize(name, t, n);
      return d;
    });
  };
  const unary = (x: Tensor, out: Tensor, f: (v: number) => number): void => {
    const [X, O] = same(['x', x], ['out', out]);
    for (let i = 0; i < O!.length; i++) O![i] = f(X![i]!);
  };
  const binary = (a: Tensor, b: Tensor, out: Tensor, f: (u: number, v: number) => number): void => {
    const [A, B, O] = same(['a', a], ['b', b], ['out', out]);
    for (let i = 0; i < O!.length; i++) O![i] = f(A![i]!, B![i]!);
  };

  const fusedArgs = (a: RnnForwardArgs, R: FloatArray) => {
    const kind = a.cell?.kind;
    if (!KERNELS[kind]) throw new InvalidArgumentError('cell.kind', '"rnn", "lstm" or "gru"', kind);
    const x = own('x', a.x);
    if (a.x.shape.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', checks.fmtShape(a.x.shape));
    const [B, T, I] = a.x.shape as [number, number, number];
    const H = checks.rowsOf(a.params.recurrentKernel);
    const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
    checks.checkExactShape('params.kernel', a.params.kernel, [I, G * H]);
    checks.checkExactShape('params.recurrentKernel', a.params.recurrentKernel, [H, G * H]);
    checks.checkSameSize('params.bias', a.params.bias, G * H);
    checks.checkExactShape('h0', a.h0, [B, H]);
    checks.checkExactShape('output', a.output, [B, T, H]);
    checks.checkExactShape('hT', a.hT, [B, H]);
    const lstm = kind === 'lstm';
    const resetAfter = kind === 'gru' && a.cell.resetAfter;
    if (lstm) {
      if (!a.c0 || !a.cT) throw new InvalidArgumentError('c0', 'initial and final cell states for an LSTM', a.c0);
      checks.checkExactShape('c0', a.c0, [B, H]);
      checks.checkExactShape('cT', a.cT, [B, H]);
    }
    if (resetAfter) checks.checkSameSize('params.recurrentBias', a.params.recurrentBias!, G * H);
    return {
      kernel: KERNELS[kind],
      B,
      T,
      I,
      H,
      act: a.cell.activation,
      rec: a.cell.recurrentActivation,
      W: own('params.kernel', a.params.kernel),
      U: own('params.recurrentKernel', a.params.recurrentKernel),
      bias: own('params.bias', a.params.bias),
      recBias: resetAfter ? own('params.recurrentBias', a.params.recurrentBias) : null,
      x,
      h0: own('h0', a.h0),
      c0: lstm ? own('c0', a.c0) : null,
      out: own('output', a.output),
      hT: own('hT', a.hT),
      cT: lstm ? own('cT', a.cT) : null,
      R,
      scratch,
      lengths: a.lengths ? checks.checkLengths('lengths', a.lengths, B, T) : null,
    };
  };

  const backend: Backend = {
    specificationVersion: BACKEND_SPEC_VERSION,
    name: `js-${dtype}`,
    dtype,
    capabilities: { fused: ['rnn', 'lstm', 'gru'] },
    isReady: true,
    ready: async () => {},

    tensor(shape, data) {
      checks.checkShape('shape', shape);
      const size = checks.shapeSize(shape);
      const arr = new Ctor(size);
      if (data !== undefined) {
        if (data.length !== size)
          throw new ShapeError('data', `${size} values for shape ${checks.fmtShape(shape)}`, `${data.length} values`);
        arr.set(data);
      }
      live++;
      bytes += arr.byteLength;
      return new JsTensor([...shape], arr, token);
    },
    read: (t) => own('t', t).slice(),
    write(t, data) {
      const d = own('t', t);
      if (data?.length !== d.length) throw new ShapeError('data', `${d.length} values`, `${data?.length} values`);
      d.set(data);
    },
    release(t) {
      const d = own('t', t);
      const jt = t as JsTensor;
      jt.released = true;
      jt.data = new Ctor(0);
      live--;
      bytes -= d.byteLength;
    },
    stats: () => ({ tensors: live, bytes }),

    gemm(a, b, out, o = {}) {
      const { m, n, k } = checks.gemmDims(a, b, out, o);
      const [A, B, C] = [own('a', a), own('b', b), own('out', out)];
      if (C === A || C === B) throw new InvalidArgumentError('out', 'a tensor distinct from a and b', raw('the same tensor as an input'));
      gemm(
        m,
        n,
        k,
        A,
        0,
        checks.colsOf(a),
        !!o.transA,
        B,
        0,
        checks.colsOf(b),
        !!o.transB,
        C,
        0,
        n,
        o.alpha ?? 1,
        o.beta ?? 0,
        o.bias ? own('bias', o.bias) : null,
      );
    },

    fill: (out, v) => void own('out', out).fill(v),
    copy: (src, out) => void same(['out', out], ['src', src])[0]!.set(own('src', src)),
    add: (a, b, out) => binary(a, b, out, (u, v) => u + v),
    sub: (a, b, out) => binary(a, b, out, (u, v) => u - v),
    mul: (a, b, out) => binary(a, b, out, (u, v) => u * v),
    addMul(a, b, out) {
      const [A, B, O] = same(['a', a], ['b', b], ['out', out]);
      for (let i = 0; i < O!.length; i++) O![i] += A![i]! * B![i]!;
    },
    axpy(alpha, x, y) {
      const [X, Y] = same(['x', x], ['y', y]);
      for (let i = 0; i < Y!.length; i++) Y![i] += alpha * X![i]!;
    },
    scale: (x, alpha, out) => unary(x, out, (v) => alpha * v),
    clip: (x, lo, hi, out) => unary(x, out, (v) => (v < lo ? lo : Math.min(v, hi))),
    activation(kind: Activation, x, out) {
      unary(x, out, activationFn(checks.checkActivation('kind', kind)));
    },
    activationGrad(kind: Activation, y, dy, out) {
      const g = activationGradFn(checks.checkActivation('kind', kind));
      binary(y, dy, out, (yv, d) => d * g(yv));
    },

    sumRows(x, out, beta = 0) {
      const X = own('x', x);
      const O = own('out', out);
      const n = checks.colsOf(x);
      checks.checkSameSize('out', out, n);
      if (beta === 0) O.fill(0);
      else if (beta !== 1) for (let j = 0; j < n; j++) O[j] *= beta;
      const rows = checks.rowsOf(x);
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) O[j] += X[r * n + j]!;
    },
    mulRows(x, m, out) {
      const [X, O] = same(['x', x], ['out', out]);
      const M = own('m', m);
      const cols = checks.colsOf(x);
      const rows = checks.rowsOf(x);
      checks.checkSameSize('m', m, rows);
      for (let r = 0; r < rows; r++) {
        const s = M[r]!;
        for (let j = r * cols; j < (r + 1) * cols; j++) O![j] = X![j]! * s;
      }
    },
    sumSquares(x) {
      const X = own('x', x);
      let s = 0;
      for (let i = 0; i < X.length; i++) s += X[i]! * X[i]!;
      return s;
    },

    concat(parts, out) {
      checks.checkColumnParts(out, parts, 'out');
      const O = own('out', out);
      const rows = checks.rowsOf(out);
      const cols = checks.colsOf(out);
      let off = 0;
      parts.forEach((p, k) => {
        const P = own(`parts[${k}]`, p);
        const pc = checks.colsOf(p);
        for (let r = 0; r < rows; r++) O.set(P.subarray(r * pc, (r + 1) * pc), r * cols + off);
        off += pc;
      });
    },
    split(x, parts) {
      checks.checkColumnParts(x, parts, 'x');
      const X = own('x', x);
      const rows = checks.rowsOf(x);
      const cols = checks.colsOf(x);
      let off = 0;
      parts.forEach((p, k) => {
        const P = own(`parts[${k}]`, p);
        const pc = checks.colsOf(p);
        for (let r = 0; r < rows; r++) P.set(X.subarray(r * cols + off, r * cols + off + pc), r * pc);
        off += pc;
      });
    },
    getStep(seq, t, out) {
      const { B, T, F } = checks.checkStep(seq, t, out);
      const S = own('seq', seq);
      const O = own('out', out);
      for (let b = 0; b < B; b++) O.set(S.subarray((b * T + t) * F, (b * T + t + 1) * F), b * F);
    },
    setStep(seq, t, src, accumulate = false) {
      const { B, T, F } = checks.checkStep(seq, t, src);
      const S = own('seq', seq);
      const X = own('src', src);
      for (let b = 0; b < B; b++) {
        const o = (b * T + t) * F;
        if (accumulate) for (let f = 0; f < F; f++) S[o + f] += X[b * F + f]!;
        else S.set(X.subarray(b * F, (b + 1) * F), o);
      }
    },

    reverseTime(x, lengths, out) {
      if (x.shape.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', checks.fmtShape(x.shape));
      const [B, T, F] = x.shape as [number, number, number];
      const [X, O] = same(['x', x], ['out', out]);
      if (X === O) throw new InvalidArgumentError('out', 'a tensor distinct from x', raw('the same tensor'));
      const lens = lengths ? checks.checkLengths('lengths', lengths, B, T) : null;
      for (let b = 0; b < B; b++) {
        const len = lens ? lens[b]! : T;
        for (let t = 0; t < len; t++) O!.set(X!.subarray((b * T + len - 1 - t) * F, (b * T + len - t) * F), (b * T + t) * F);
        O!.fill(0, (b * T + len) * F, (b + 1) * T * F);
      }
    },
    gatherRows(table, indices, out) {
      const E = checks.colsOf(table);
      const I = own('indices', indices);
      checks.checkIndices('indices', I, checks.rowsOf(table));
      checks.checkSameSize('out', out, I.length * E);
      const [Tb, O] = [own('table', table), own('out', out)];
      for (let i = 0; i < I.length; i++) O.set(Tb.subarray(I[i]! * E, (I[i]! + 1) * E), i * E);
    },
    scatterAddRows(src, indices, table, skipIndex) {
      const E = checks.colsOf(table);
      const I = own('indices', indices);
      checks.checkIndices('indices', I, checks.rowsOf(table));
      checks.checkSameSize('src', src, I.length * E);
      const [S, Tb] = [own('src', src), own('table', table)];
      for (let i = 0; i < I.length; i++) {
        if (I[i] === skipIndex) continue;
        const o = I[i]! * E;
        for (let e = 0; e < E; e++) Tb[o + e] += S[i * E + e]!;
      }
    },

    softmaxCrossEntropy(logits, labels, dLogits, options) {
      const { weights, ignore } = checks.checkCrossEntropyOptions(checks.colsOf(logits), options);
      const { n, c } = checks.checkLabels(logits, labels, ignore);
      const L = own('logits', logits);
      const D = dLogits ? same(['logits', logits], ['dLogits', dLogits])[1]! : null;
      let total = 0;
      for (let i = 0; i < n; i++) if (labels[i] !== ignore) total += weights ? weights[labels[i]!]! : 1;
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const o = i * c;
        const y = labels[i]!;
        if (y === ignore || total === 0) {
          if (D) D.fill(0, o, o + c);
          continue;
        }
        const w = (weights ? weights[y]! : 1) / total;
        let max = -Infinity;
        for (let j = 0; j < c; j++) if (L[o + j]! > max) max = L[o + j]!;
        let z = 0;
        for (let j = 0; j < c; j++) z += Math.exp(L[o + j]! - max);
        loss += w * (Math.log(z) + max - L[o + y]!);
        if (D) {
          for (let j = 0; j < c; j++) D[o + j] = (w * Math.exp(L[o + j]! - max)) / z;
          D[o + y] -= w;
        }
      }
      return loss;
    },
    pointwiseLoss(kind, prediction, target, dPrediction, delta = 1) {
      checks.checkLoss('kind', kind);
      const [P, Y] = same(['prediction', prediction], ['target', target]);
      const D = dPrediction ? same(['prediction', prediction], ['dPrediction', dPrediction])[1]! : null;
      const n = P!.length;
      const f = POINTWISE[kind];
      let loss = 0;
      for (let i = 0; i < n; i++) {
        loss += f(P![i]!, Y![i]!, delta, D, i, n);
      }
      return loss / n;
    },

    // Fused optimizer updates: one pass over each parameter.
    adamUpdate(param, grad, m, v, h) {
      const [P, G, M, V] = same(['param', param], ['grad', grad], ['m', m], ['v', v]);
      const c1 = 1 - h.beta1 ** h.step;
      const c2 = 1 - h.beta2 ** h.step;
      const decay = 1 - h.lr * h.weightDecay;
      const step = h.lr / c1;
      for (let i = 0; i < P!.length; i++) {
        const g = G![i]!;
        const mi = h.beta1 * M![i]! + (1 - h.beta1) * g;
        const vi = h.beta2 * V![i]! + (1 - h.beta2) * g * g;
        M![i] = mi;
        V![i] = vi;
        P![i] = P![i]! * decay - (step * mi) / (Math.sqrt(vi / c2) + h.eps);
      }
    },
    sgdUpdate(param, grad, velocity, h) {
      const [P, G] = same(['param', param], ['grad', grad]);
      const Vel = velocity ? same(['param', param], ['velocity', velocity])[1]! : null;
      for (let i = 0; i < P!.length; i++) {
        let g = G![i]! + h.weightDecay * P![i]!;
        if (Vel) {
          const v = h.momentum * Vel[i]! + g;
          Vel[i] = v;
          g = h.nesterov ? g + h.momentum * v : v;
        }
        P![i] -= h.lr * g;
      }
    },

    rmspropUpdate(param, grad, square, momentum, h) {
      const [P, G, S] = same(['param', param], ['grad', grad], ['square', square]);
      const M = momentum ? same(['param', param], ['momentum', momentum])[1]! : null;
      for (let i = 0; i < P!.length; i++) {
        const g = G![i]! + h.weightDecay * P![i]!;
        const s = h.rho * S![i]! + (1 - h.rho) * g * g;
        S![i] = s;
        const step = g / (Math.sqrt(s) + h.eps);
        if (M) {
          M[i] = h.momentum * M[i]! + step;
          P![i] -= h.lr * M[i]!;
        } else P![i] -= h.lr * step;
      }
    },
    adagradUpdate(param, grad, sum, h) {
      const [P, G, S] = same(['param', param], ['grad', grad], ['sum', sum]);
      for (let i = 0; i < P!.length; i++) {
        const g = G![i]! + h.weightDecay * P![i]!;
        const s = S![i]! + g * g;
        S![i] = s;
        P![i] -= (h.lr * g) / (Math.sqrt(s) + h.eps);
      }
    },

    rnnForward(a) {
      const kernel = KERNELS[a.cell?.kind];
      if (!kernel) throw new InvalidArgumentError('cell.kind', '"rnn", "lstm" or "gru"', a.cell?.kind);
      const [B, T] = a.x.shape as [number, number];
      const H = checks.colsOf(a.output);
      const size = B * T * kernel.reservePerStep(H);
      // Training keeps the reserve as a tensor the caller owns; inference uses scratch memory.
      const reserve = a.training ? backend.tensor([size]) : null;
      kernel.forward(fusedArgs(a, reserve ? own('reserve', reserve) : scratch.get('reserve', size)));
      return reserve;
    },

    rnnBackward(a: RnnBackwardArgs) {
      const base = fusedArgs({ ...a, hT: a.h0, cT: a.c0, training: true }, own('reserve', a.reserve));
      const [B, T, I] = [base.B, base.T, base.I];
      const H = base.H;
      checks.checkSameSize('reserve', a.reserve, B * T * base.kernel.reservePerStep(H));
      const dOut = a.dOutput ? own('dOutput', a.dOutput) : null;
      if (a.dOutput) checks.checkExactShape('dOutput', a.dOutput, [B, T, H]);
      if (a.dhT) checks.checkExactShape('dhT', a.dhT, [B, H]);
      if (a.dx) checks.checkExactShape('dx', a.dx, [B, T, I]);
      const norms = a.stepGradNorms ? new Float64Array(T) : null;
      base.kernel.backward({
        ...base,
        dOut,
        dhT: a.dhT ? own('dhT', a.dhT) : null,
        dcT: a.dcT ? own('dcT', a.dcT) : null,
        dW: own('grads.kernel', a.grads.kernel),
        dU: own('grads.recurrentKernel', a.grads.recurrentKernel),
        dBias: own('grads.bias', a.grads.bias),
        dRecBias: base.recBias ? own('grads.recurrentBias', a.grads.recurrentBias) : null,
        dx: a.dx ? own('dx', a.dx) : null,
        dh0: a.dh0 ? own('dh0', a.dh0) : null,
        dc0: a.dc0 ? own('dc0', a.dc0) : null,
        norms,
      });
      return norms;
    },

    dispose() {
      scratch.clear();
    },
  };
  return backend;
}
