// Decoding CTC outputs: greedy (best path) and prefix beam search (Hannun et al. 2014), on one sample's
// frame scores [T, C] — logits or log-probabilities (a log-softmax is applied first, so either works).
import { checkNonNegativeInt, checkPositiveInt, InvalidArgumentError } from '../errors.js';

export interface Decoded {
  labels: number[];
  /** log p: of the best path (greedy) or of the labelling summed over its alignments (beam search). */
  score: number;
}

const logAdd = (a: number, b: number): number => {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
};

function logSoftmaxRows(scores: ArrayLike<number>, T: number, C: number): Float64Array {
  if (scores.length < T * C) throw new InvalidArgumentError('scores', `at least ${T * C} values ([${T}, ${C}])`, scores.length);
  const out = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < C; k++) max = Math.max(max, scores[t * C + k]!);
    let z = 0;
    for (let k = 0; k < C; k++) z += Math.exp(scores[t * C + k]! - max);
    const lz = Math.log(z) + max;
    for (let k = 0; k < C; k++) out[t * C + k] = scores[t * C + k]! - lz;
  }
  return out;
}

function checkDims(T: number, C: number, blank: number): void {
  checkPositiveInt('T', T);
  checkPositiveInt('C', C);
  checkNonNegativeInt('blank', blank);
  if (blank >= C) throw new InvalidArgumentError('blank', `a class index in [0, ${C - 1}]`, blank);
}

/** Best path: the most likely class per frame, repeats merged, blanks removed. */
export function ctcGreedyDecode(scores: ArrayLike<number>, T: number, C: number, blank = 0): Decoded {
  checkDims(T, C, blank);
  const lp = logSoftmaxRows(scores, T, C);
  const labels: number[] = [];
  let score = 0;
  let prev = -1;
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let k = 1; k < C; k++) if (lp[t * C + k]! > lp[t * C + best]!) best = k;
    score += lp[t * C + best]!;
    if (best !== prev && best !== blank) labels.push(best);
    prev = best;
  }
  return { labels, score };
}

/** Prefix beam search: the `beamWidth` most likely labellings, best first, each scored over all its alignments. */
export function ctcBeamSearch(
  scores: ArrayLike<number>,
  T: number,
  C: number,
  options: { beamWidth?: number; blank?: number } = {},
): Decoded[] {
  const blank = options.blank ?? 0;
  checkDims(T, C, blank);
  const width = checkPositiveInt('beamWidth', options.beamWidth ?? 8);
  const lp = logSoftmaxRows(scores, T, C);
  const NEG = Number.NEGATIVE_INFINITY;
  // prefix (labels joined by ',') -> [log p ending in blank, log p ending in a label]
  let beams = new Map<string, { labels: number[]; b: number; nb: number }>([['', { labels: [], b: 0, nb: NEG }]]);
  for (let t = 0; t < T; t++) {
    const next = new Map<string, { labels: number[]; b: number; nb: number }>();
    const at = (labels: number[]) => {
      const key = labels.join(',');
      let e = next.get(key);
      if (!e) {
        e = { labels, b: NEG, nb: NEG };
        next.set(key, e);
      }
      return e;
    };
    for (const { labels, b, nb } of beams.values()) {
      const total = logAdd(b, nb);
      const last = labels.length ? labels[labels.length - 1]! : -1;
      // stay on the same prefix: a blank, or the last label repeated without a blank
      const same = at(labels);
      same.b = logAdd(same.b, total + lp[t * C + blank]!);
      if (last >= 0) same.nb = logAdd(same.nb, nb + lp[t * C + last]!);
      // extend by a label; repeating the last label needs a blank in between
      for (let k = 0; k < C; k++) {
        if (k === blank) continue;
        const ext = at([...labels, k]);
        ext.nb = logAdd(ext.nb, (k === last ? b : total) + lp[t * C + k]!);
      }
    }
    beams = new Map([...next.entries()].sort((x, y) => logAdd(y[1].b, y[1].nb) - logAdd(x[1].b, x[1].nb)).slice(0, width));
  }
  return [...beams.values()].map((e) => ({ labels: e.labels, score: logAdd(e.b, e.nb) })).sort((x, y) => y.score - x.score);
}
