// Connectionist Temporal Classification (Graves et al. 2006): a loss for sequence labelling without
// alignment. The forward-backward recursions run in log space (log-sum-exp), in float64 on the host, so they
// work on every backend through read/write. The gradient w.r.t. the logits is
//   dL/dz_{t,k} = y_{t,k} − (1/p(l|x)) · Σ_{s: l'_s = k} α_t(s) β_t(s)      (y = softmax(z))
// for each sample, scaled by the reduction.
//
// Targets are a [B, Lmax] host tensor of label indices, each row's labels first and then padding (-1). Input
// lengths are the batch's `lengths` (all T when absent). A sample whose input is too short for its labels (it
// needs one frame per label plus one blank between each pair of repeated labels) has no alignment: that is a
// typed error naming the sample, unless zeroInfinity is set, in which case it contributes 0 loss and 0
// gradient (PyTorch's zero_infinity). The loss is never NaN.

import { fmtShape } from '../backend/checks.js';
import type { Backend, Tensor } from '../backend/contract.js';
import type { Workspace } from '../backend/pool.js';
import type { HostTensor } from '../data/host.js';
import { checkNonNegativeInt, checkOneOf, InvalidArgumentError, ShapeError } from '../errors.js';
import type { Loss } from './losses.js';

export type CtcReduction = 'mean' | 'sum' | 'meanOverTargetLength';

export interface CtcOptions {
  /** The blank label's index. Default 0. */
  blank?: number;
  /**
   * 'meanOverTargetLength' (PyTorch's 'mean'): each sample's loss divided by its label length, then averaged;
   * 'mean': averaged over the batch; 'sum'. Default 'meanOverTargetLength'.
   */
  reduction?: CtcReduction;
  /** Samples with no possible alignment contribute 0 loss and 0 gradient instead of throwing. Default false. */
  zeroInfinity?: boolean;
}

const logAdd = (a: number, b: number): number => {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
};

/** The labels of each row of a [B, Lmax] target tensor (labels first, then negative padding). */
export function targetLabels(y: HostTensor, classes: number, blank: number): Int32Array[] {
  const [B, L] = y.shape as [number, number];
  return Array.from({ length: B }, (_, b) => {
    const row: number[] = [];
    let ended = false;
    for (let i = 0; i < L; i++) {
      const v = y.data[b * L + i]!;
      if (v < 0) {
        ended = true;
        continue;
      }
      if (ended) throw new InvalidArgumentError(`y.data[${b * L + i}]`, 'labels first, then only negative padding', v);
      if (!Number.isInteger(v) || v >= classes) throw new InvalidArgumentError(`y.data[${b * L + i}]`, `a label in [0, ${classes - 1}]`, v);
      if (v === blank) throw new InvalidArgumentError(`y.data[${b * L + i}]`, `a label other than the blank (${blank})`, v);
      row.push(v);
    }
    return Int32Array.from(row);
  });
}

/**
 * Loss and gradient of one sample: logProbs [T, C] (log-softmax) over its first `T` frames, labels l.
 * Writes dL/dlogits into grad (row-major [T, C]) scaled by `scale`; returns -log p(l|x) (Infinity if p = 0).
 */
export function ctcSample(
  logProbs: Float64Array,
  T: number,
  C: number,
  labels: Int32Array,
  blank: number,
  grad: Float64Array | null,
  scale: number,
): number {
  const S = 2 * labels.length + 1; // extended labels: blank, l1, blank, l2, ..., blank
  const ext = (s: number): number => (s % 2 === 0 ? blank : labels[(s - 1) >> 1]!);
  const NEG = Number.NEGATIVE_INFINITY;
  const alpha = new Float64Array(T * S).fill(NEG);
  const beta = new Float64Array(T * S).fill(NEG);
  alpha[0] = logProbs[blank]!;
  if (S > 1) alpha[1] = logProbs[ext(1)]!;
  for (let t = 1; t < T; t++)
    for (let s = 0; s < S; s++) {
      let a = alpha[(t - 1) * S + s]!;
      if (s > 0) a = logAdd(a, alpha[(t - 1) * S + s - 1]!);
      if (s > 1 && ext(s) !== blank && ext(s) !== ext(s - 2)) a = logAdd(a, alpha[(t - 1) * S + s - 2]!);
      alpha[t * S + s] = a === NEG ? NEG : a + logProbs[t * C + ext(s)]!;
    }
  beta[(T - 1) * S + S - 1] = logProbs[(T - 1) * C + blank]!;
  if (S > 1) beta[(T - 1) * S + S - 2] = logProbs[(T - 1) * C + ext(S - 2)]!;
  for (let t = T - 2; t >= 0; t--)
    for (let s = S - 1; s >= 0; s--) {
      let b = beta[(t + 1) * S + s]!;
      if (s < S - 1) b = logAdd(b, beta[(t + 1) * S + s + 1]!);
      if (s < S - 2 && ext(s) !== blank && ext(s) !== ext(s + 2)) b = logAdd(b, beta[(t + 1) * S + s + 2]!);
      beta[t * S + s] = b === NEG ? NEG : b + logProbs[t * C + ext(s)]!;
    }
  const logP = S > 1 ? logAdd(alpha[(T - 1) * S + S - 1]!, alpha[(T - 1) * S + S - 2]!) : alpha[(T - 1) * S]!;
  if (logP === NEG) return Number.POSITIVE_INFINITY; // no alignment: gradient stays zero
  if (grad) {
    const occupancy = new Float64Array(C);
    for (let t = 0; t < T; t++) {
      occupancy.fill(NEG);
      for (let s = 0; s < S; s++) occupancy[ext(s)] = logAdd(occupancy[ext(s)]!, alpha[t * S + s]! + beta[t * S + s]!);
      for (let k = 0; k < C; k++) {
        // α_t(s) β_t(s) double-counts y_{t,l'_s}; dividing by it gives the standard posterior
        const post = occupancy[k] === NEG ? 0 : Math.exp(occupancy[k]! - logProbs[t * C + k]! - logP);
        grad[t * C + k] = scale * (Math.exp(logProbs[t * C + k]!) - post);
      }
    }
  }
  return -logP;
}

/** CTC over logits [B, T, C] (softmax inside). Targets: [B, Lmax] labels padded with -1. */
export function ctcLoss(options: CtcOptions = {}): Loss {
  const blank = checkNonNegativeInt('ctcLoss.blank', options.blank ?? 0);
  const reduction = checkOneOf('ctcLoss.reduction', options.reduction ?? 'meanOverTargetLength', [
    'mean',
    'sum',
    'meanOverTargetLength',
  ] as const);
  const zeroInfinity = options.zeroInfinity ?? false;
  return {
    name: 'ctc',
    targetShape: (s) => [s[0]!, -1],
    compute(
      b: Backend,
      prediction: Tensor,
      target: HostTensor,
      dPrediction: Tensor | null,
      _ws: Workspace,
      lengths?: Int32Array | null,
    ): number {
      if (prediction.shape.length !== 3)
        throw new ShapeError('prediction', 'rank 3 [batch, time, classes] logits', fmtShape(prediction.shape));
      const [B, T, C] = prediction.shape as [number, number, number];
      if (blank >= C) throw new InvalidArgumentError('ctcLoss.blank', `a class index in [0, ${C - 1}]`, blank);
      if (target.shape.length !== 2 || target.shape[0] !== B)
        throw new ShapeError('y.shape', `[${B}, maxLabelLength]`, fmtShape(target.shape));
      const labels = targetLabels(target, C, blank);
      const logits = b.read(prediction);
      const grad = dPrediction ? new Float64Array(B * T * C) : null;
      const losses = new Float64Array(B);
      const weights = labels.map((l) => (reduction === 'sum' ? 1 : reduction === 'mean' ? 1 / B : 1 / (B * Math.max(1, l.length))));
      for (let s = 0; s < B; s++) {
        const Tb = lengths ? lengths[s]! : T;
        const l = labels[s]!;
        let needed = l.length;
        for (let i = 1; i < l.length; i++) if (l[i] === l[i - 1]) needed++;
        if (needed > Tb) {
          if (zeroInfinity) continue;
          throw new InvalidArgumentError(
            `y (sample ${s})`,
            `a labelling that fits in ${Tb} frames (it needs ${needed}: labels plus blanks between repeats)`,
            Array.from(l),
          );
        }
        const lp = new Float64Array(Tb * C);
        for (let t = 0; t < Tb; t++) {
          const o = (s * T + t) * C;
          let max = Number.NEGATIVE_INFINITY;
          for (let k = 0; k < C; k++) max = Math.max(max, logits[o + k]!);
          let z = 0;
          for (let k = 0; k < C; k++) z += Math.exp(logits[o + k]! - max);
          const lz = Math.log(z) + max;
          for (let k = 0; k < C; k++) lp[t * C + k] = logits[o + k]! - lz;
        }
        const g = grad ? new Float64Array(Tb * C) : null;
        losses[s] = ctcSample(lp, Tb, C, labels[s]!, blank, g, weights[s]!);
        if (!Number.isFinite(losses[s]) && zeroInfinity) losses[s] = 0;
        if (g && grad && Number.isFinite(losses[s])) grad.set(g, s * T * C);
      }
      if (dPrediction) b.write(dPrediction, grad!);
      let total = 0;
      for (let s = 0; s < B; s++) total += losses[s]! * weights[s]!;
      return total;
    },
    accuracy: () => null,
    toConfig: () => ({ kind: 'ctc', blank, reduction, zeroInfinity }),
  };
}
