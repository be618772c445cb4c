// The reference backend: float64, naive loops, no fused kernels. It is the oracle of the conformance suite
// and the engine of @rnn/core's own tests; clarity over speed, so every line can be checked by eye.

import {
  checkActivation,
  checkColumnParts,
  checkCrossEntropyOptions,
  checkIndices,
  checkLabels,
  checkLengths,
  checkLive,
  checkLoss,
  checkSameSize,
  checkShape,
  checkStep,
  colsOf,
  gemmDims,
  rowsOf,
  shapeSize,
} from '../backend/checks.js';
import {
  type Activation,
  type AdagradHyper,
  type AdamHyper,
  BACKEND_SPEC_VERSION,
  type Backend,
  type CrossEntropyOptions,
  type GemmOptions,
  type PointwiseLoss,
  type RmspropHyper,
  type SgdHyper,
  type Tensor,
} from '../backend/contract.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';

class RefTensor implements Tensor {
  released = false;
  readonly size: number;
  constructor(
    readonly shape: readonly number[],
    public data: Float64Array,
  ) {
    this.size = data.length;
  }
}

export function activate(kind: Activation, x: number): number {
  switch (kind) {
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'relu':
      return Math.max(x, 0);
    case 'hardSigmoid':
      return Math.min(1, Math.max(0, 0.2 * x + 0.5));
    case 'hardSigmoid6':
      return Math.min(1, Math.max(0, x / 6 + 0.5));
    case 'linear':
      return x;
  }
}

/** f'(x) written in terms of y = f(x). */
export function activateGrad(kind: Activation, y: number): number {
  switch (kind) {
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'hardSigmoid':
      return y > 0 && y < 1 ? 0.2 : 0;
    case 'hardSigmoid6':
      return y > 0 && y < 1 ? 1 / 6 : 0;
    case 'linear':
      return 1;
  }
}

export function referenceBackend(): Backend {
  let live = 0;
  let bytes = 0;
  const own = (argument: string, t: Tensor): Float64Array => {
    if (!(t instanceof RefTensor)) throw new InvalidArgumentError(argument, 'a tensor of the reference backend', t);
    checkLive(argument, t);
    return t.data;
  };
  const same = (args: Record<string, Tensor>): Float64Array[] => {
    const entries = Object.entries(args);
    const n = entries[0]![1].size;
    return entries.map(([name, t]) => {
      checkSameSize(name, t, n);
      return own(name, t);
    });
  };
  const map2 = (a: Tensor, b: Tensor, out: Tensor, f: (x: number, y: number, o: number) => number): void => {
    const [A, B, O] = same({ a, b, out });
    for (let i = 0; i < O!.length; i++) O![i] = f(A![i]!, B![i]!, O![i]!);
  };

  const backend: Backend = {
    specificationVersion: BACKEND_SPEC_VERSION,
    name: 'reference',
    dtype: 'float64',
    capabilities: { fused: [] },
    isReady: true,
    ready: async () => {},

    tensor(shape, data) {
      checkShape('shape', shape);
      const size = shapeSize(shape);
      const arr = new Float64Array(size);
      if (data !== undefined) {
        if (data.length !== size) throw new ShapeError('data', `${size} values`, `${data.length} values`);
        arr.set(data);
      }
      live++;
      bytes += arr.byteLength;
      return new RefTensor([...shape], arr);
    },
    read: (t) => own('t', t).slice(),
    write(t, data) {
      const d = own('t', t);
      if (data.length !== d.length) throw new ShapeError('data', `${d.length} values`, `${data.length} values`);
      d.set(data);
    },
    release(t) {
      own('t', t);
      (t as RefTensor).released = true;
      live--;
      bytes -= (t as RefTensor).data.byteLength;
      (t as RefTensor).data = new Float64Array(0);
    },
    stats: () => ({ tensors: live, bytes }),

    gemm(a, b, out, o: GemmOptions = {}) {
      const { m, n, k } = gemmDims(a, b, out, o);
      const [A, B, C] = [own('a', a), own('b', b), own('out', out)];
      const bias = o.bias ? own('bias', o.bias) : null;
      const alpha = o.alpha ?? 1;
      const beta = o.beta ?? 0;
      const lda = colsOf(a);
      const ldb = colsOf(b);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) {
            const av = o.transA ? A[p * lda + i]! : A[i * lda + p]!;
            const bv = o.transB ? B[j * ldb + p]! : B[p * ldb + j]!;
            s += av * bv;
          }
          C[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * C[i * n + j]!) + (bias ? bias[j]! : 0);
        }
    },

    fill: (out, v) => void own('out', out).fill(v),
    copy(src, out) {
      const [S, O] = same({ src, out });
      O!.set(S!);
    },
    add: (a, b, out) => map2(a, b, out, (x, y) => x + y),
    sub: (a, b, out) => map2(a, b, out, (x, y) => x - y),
    mul: (a, b, out) => map2(a, b, out, (x, y) => x * y),
    addMul: (a, b, out) => map2(a, b, out, (x, y, o) => o + x * y),
    axpy: (alpha, x, y) => map2(x, y, y, (xv, yv) => yv + alpha * xv),
    scale: (x, alpha, out) => map2(x, x, out, (v) => alpha * v),
    clip: (x, lo, hi, out) => map2(x, x, out, (v) => Math.min(hi, Math.max(lo, v))),
    activation(kind, x, out) {
      checkActivation('kind', kind);
      map2(x, x, out, (v) => activate(kind, v));
    },
    activationGrad(kind, y, dy, out) {
      checkActivation('kind', kind);
      map2(y, dy, out, (yv, g) => g * activateGrad(kind, yv));
    },

    sumRows(x, out, beta = 0) {
      const X = own('x', x);
      const O = own('out', out);
      const cols = colsOf(x);
      checkSameSize('out', out, cols);
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let i = 0; i < rowsOf(x); i++) s += X[i * cols + j]!;
        O[j] = (beta === 0 ? 0 : beta * O[j]!) + s;
      }
    },
    sumSquares(x) {
      let s = 0;
      for (const v of own('x', x)) s += v * v;
      return s;
    },
    mulRows(x, m, out) {
      const [X, O] = same({ x, out });
      const M = own('m', m);
      const cols = colsOf(x);
      checkSameSize('m', m, rowsOf(x));
      for (let r = 0; r < rowsOf(x); r++) for (let j = 0; j < cols; j++) O![r * cols + j] = X![r * cols + j]! * M[r]!;
    },

    concat(parts, out) {
      checkColumnParts(out, parts, 'out');
      const O = own('out', out);
      const rows = rowsOf(out);
      const cols = colsOf(out);
      let off = 0;
      for (const p of parts) {
        const P = own('part', p);
        const pc = colsOf(p);
        for (let i = 0; i < rows; i++) for (let j = 0; j < pc; j++) O[i * cols + off + j] = P[i * pc + j]!;
        off += pc;
      }
    },
    split(x, parts) {
      checkColumnParts(x, parts, 'x');
      const X = own('x', x);
      const rows = rowsOf(x);
      const cols = colsOf(x);
      let off = 0;
      for (const p of parts) {
        const P = own('part', p);
        const pc = colsOf(p);
        for (let i = 0; i < rows; i++) for (let j = 0; j < pc; j++) P[i * pc + j] = X[i * cols + off + j]!;
        off += pc;
      }
    },
    getStep(seq, t, out) {
      const { B, T, F } = checkStep(seq, t, out);
      const S = own('seq', seq);
      const O = own('out', out);
      for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) O[b * F + f] = S[(b * T + t) * F + f]!;
    },
    setStep(seq, t, src, accumulate = false) {
      const { B, T, F } = checkStep(seq, t, src);
      const S = own('seq', seq);
      const X = own('src', src);
      for (let b = 0; b < B; b++)
        for (let f = 0; f < F; f++) {
          const i = (b * T + t) * F + f;
          S[i] = (accumulate ? S[i]! : 0) + X[b * F + f]!;
        }
    },

    reverseTime(x, lengths, out) {
      if (x.shape.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', `[${x.shape.join(', ')}]`);
      const [B, T, F] = x.shape as [number, number, number];
      const [X, O] = same({ x, out });
      const lens = lengths ? checkLengths('lengths', lengths, B, T) : null;
      for (let b = 0; b < B; b++) {
        const len = lens ? lens[b]! : T;
        for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) O![(b * T + t) * F + f] = t < len ? X![(b * T + len - 1 - t) * F + f]! : 0;
      }
    },
    gatherRows(table, indices, out) {
      const [V, E] = [rowsOf(table), colsOf(table)];
      const I = own('indices', indices);
      checkIndices('indices', I, V);
      checkSameSize('out', out, I.length * E);
      const [Tb, O] = [own('table', table), own('out', out)];
      for (let i = 0; i < I.length; i++) for (let e = 0; e < E; e++) O[i * E + e] = Tb[I[i]! * E + e]!;
    },
    scatterAddRows(src, indices, table, skipIndex) {
      const [V, E] = [rowsOf(table), colsOf(table)];
      const I = own('indices', indices);
      checkIndices('indices', I, V);
      checkSameSize('src', src, I.length * E);
      const [S, Tb] = [own('src', src), own('table', table)];
      for (let i = 0; i < I.length; i++) if (I[i] !== skipIndex) for (let e = 0; e < E; e++) Tb[I[i]! * E + e] += S[i * E + e]!;
    },

    softmaxCrossEntropy(logits, labels, dLogits, options?: CrossEntropyOptions) {
      const { weights, ignore } = checkCrossEntropyOptions(colsOf(logits), options);
      const { n, c } = checkLabels(logits, labels, ignore);
      const L = own('logits', logits);
      const D = dLogits ? own('dLogits', dLogits) : null;
      if (dLogits) checkSameSize('dLogits', dLogits, logits.size);
      let total = 0;
      for (let i = 0; i < n; i++) if (labels[i] !== ignore) total += weights ? weights[labels[i]!]! : 1;
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const y = labels[i]!;
        if (y === ignore || total === 0) {
          if (D) for (let j = 0; j < c; j++) D[i * c + j] = 0;
          continue;
        }
        const w = (weights ? weights[y]! : 1) / total;
        let max = -Infinity;
        for (let j = 0; j < c; j++) max = Math.max(max, L[i * c + j]!);
        let z = 0;
        for (let j = 0; j < c; j++) z += Math.exp(L[i * c + j]! - max);
        loss += w * (Math.log(z) + max - L[i * c + y]!);
        if (D) for (let j = 0; j < c; j++) D[i * c + j] = w * (Math.exp(L[i * c + j]! - max) / z - (j === y ? 1 : 0));
      }
      return loss;
    },
    pointwiseLoss(kind: PointwiseLoss, prediction, target, dPrediction, delta = 1) {
      checkLoss('kind', kind);
      const [P, Y] = same({ prediction, target });
      const D = dPrediction ? same({ prediction, dPrediction })[1]! : null;
      const n = P!.length;
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const [p, y] = [P![i]!, Y![i]!];
        const e = p - y;
        let l: number;
        let g: number;
        if (kind === 'mse') [l, g] = [e * e, 2 * e];
        else if (kind === 'mae') [l, g] = [Math.abs(e), Math.sign(e)];
        else if (kind === 'huber')
          [l, g] = Math.abs(e) <= delta ? [0.5 * e * e, e] : [delta * (Math.abs(e) - 0.5 * delta), delta * Math.sign(e)];
        else [l, g] = [Math.max(p, 0) - p * y + Math.log1p(Math.exp(-Math.abs(p))), 1 / (1 + Math.exp(-p)) - y];
        loss += l;
        if (D) D[i] = g / n;
      }
      return loss / n;
    },

    adamUpdate(param, grad, m, v, h: AdamHyper) {
      const [P, G, M, V] = same({ param, grad, m, v });
      const c1 = 1 - h.beta1 ** h.step;
      const c2 = 1 - h.beta2 ** h.step;
      for (let i = 0; i < P!.length; i++) {
        const g = G![i]!;
        M![i] = h.beta1 * M![i]! + (1 - h.beta1) * g;
        V![i] = h.beta2 * V![i]! + (1 - h.beta2) * g * g;
        P![i] = P![i]! * (1 - h.lr * h.weightDecay) - (h.lr * (M![i]! / c1)) / (Math.sqrt(V![i]! / c2) + h.eps);
      }
    },
    sgdUpdate(param, grad, velocity, h: SgdHyper) {
      const [P, G] = same({ param, grad });
      const Vel = velocity ? same({ param, velocity })[1]! : null;
      for (let i = 0; i < P!.length; i++) {
        let g = G![i]! + h.weightDecay * P![i]!;
        if (Vel) {
          Vel[i] = h.momentum * Vel[i]! + g;
          g = h.nesterov ? g + h.momentum * Vel[i]! : Vel[i]!;
        }
        P![i] = P![i]! - h.lr * g;
      }
    },

    rmspropUpdate(param, grad, square, momentum, h: RmspropHyper) {
      const [P, G, S] = same({ param, grad, square });
      const M = momentum ? same({ param, momentum })[1]! : null;
      for (let i = 0; i < P!.length; i++) {
        const g = G![i]! + h.weightDecay * P![i]!;
        S![i] = h.rho * S![i]! + (1 - h.rho) * g * g;
        const step = g / (Math.sqrt(S![i]!) + h.eps);
        if (M) {
          M[i] = h.momentum * M[i]! + step;
          P![i] = P![i]! - h.lr * M[i]!;
        } else P![i] = P![i]! - h.lr * step;
      }
    },
    adagradUpdate(param, grad, sum, h: AdagradHyper) {
      const [P, G, S] = same({ param, grad, sum });
      for (let i = 0; i < P!.length; i++) {
        const g = G![i]! + h.weightDecay * P![i]!;
        S![i] = S![i]! + g * g;
        P![i] = P![i]! - (h.lr * g) / (Math.sqrt(S![i]!) + h.eps);
      }
    },

    dispose() {},
  };
  return backend;
}
