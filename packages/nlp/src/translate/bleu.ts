// BLEU (Papineni et al. 2002) as sacreBLEU 2.x computes it, so scores are comparable with published ones:
// - tokenisation "13a" (mteval-v13a.pl, WMT's default), applied to hypotheses and references after trimming
//   trailing whitespace; optional lowercasing first;
// - corpus statistics: n-gram matches (1..4) clipped by the maximum count in any one reference, summed over the
//   corpus; the reference length of a segment is the one closest to the hypothesis length (ties: the shorter);
// - brevity penalty exp(1 - r/c) when the corpus hypothesis length c < reference length r (0 when c = 0);
// - score = 100 · BP · exp(mean of log precisions); no n-gram match at all gives 0; smoothing "exp" (default:
//   the k-th order with zero matches gets precision 1 / (2^k · total)), "floor", "add-k" or "none".
import { checkOneOf, checkPositiveInt, checkRange, InvalidArgumentError, ShapeError } from '@rnn/core';

/**
 * mteval-v13a tokenisation (sacreBLEU's `13a`): unescapes &quot; &amp; &lt; &gt;, then splits off the ASCII
 * symbols { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /, periods and commas except between digits,
 * and a dash after a digit. Returns tokens joined by single spaces (Python's whitespace set).
 */
export function tokenize13a(line: string): string {
  if (typeof line !== 'string') throw new InvalidArgumentError('line', 'a string', line);
  let s = line
    .replaceAll('<skipped>', '')
    .replaceAll('-\n', '')
    .replaceAll('\n', ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
  s = ` ${s} `
    .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
    .replace(/([^0-9])([.,])/g, '$1 $2 ')
    .replace(/([.,])([^0-9])/g, ' $1 $2')
    .replace(/([0-9])(-)/g, '$1 $2 ');
  return splitWhitespace(s).join(' ');
}

/** Python's whitespace (str.isspace): JavaScript's \s minus U+FEFF, plus the separators U+001C..U+001F and U+0085. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+001C..U+001F are whitespace to Python's str.split()
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** Python's str.split() with no argument. */
function splitWhitespace(s: string): string[] {
  return s.split(PY_WHITESPACE).filter((t) => t !== '');
}

/** Python's str.rstrip() with no argument. */
function rstrip(s: string): string {
  const tail = [...s.matchAll(PY_WHITESPACE)].at(-1);
  return tail && tail.index + tail[0].length === s.length ? s.slice(0, tail.index) : s;
}

export type BleuTokenizer = '13a' | 'none';
export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  /** Default '13a'; 'none' splits on whitespace only (for already tokenised text). */
  tokenize?: BleuTokenizer;
  /** Lowercase before tokenising. Default false. */
  lowercase?: boolean;
  /** Default 'exp' (corpus BLEU as sacreBLEU reports it). */
  smoothMethod?: BleuSmoothing;
  /** For 'floor' (default 0.1) and 'add-k' (default 1). */
  smoothValue?: number;
  /** Highest n-gram order. Default 4. */
  maxNgramOrder?: number;
  /** Average only over orders up to the longest the hypotheses have (sentence-level BLEU). Default false. */
  effectiveOrder?: boolean;
}

export interface BleuScore {
  /** BLEU in 0..100. */
  score: number;
  /** Clipped n-gram matches per order (1-based order at index n - 1). */
  counts: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
  /** Precisions per order in percent, after smoothing. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  /** Hypothesis length in tokens. */
  sysLen: number;
  /** Effective reference length in tokens. */
  refLen: number;
}

const SMOOTHING: readonly BleuSmoothing[] = ['exp', 'floor', 'add-k', 'none'];
const SMOOTH_DEFAULTS: Record<BleuSmoothing, number> = { exp: 0, floor: 0.1, 'add-k': 1, none: 0 };

interface Resolved {
  tokenize: BleuTokenizer;
  lowercase: boolean;
  smoothMethod: BleuSmoothing;
  smoothValue: number;
  order: number;
  effectiveOrder: boolean;
}

function resolve(o: BleuOptions): Resolved {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError('options', 'an options object', o);
  const smoothMethod = checkOneOf('smoothMethod', o.smoothMethod ?? 'exp', SMOOTHING);
  return {
    tokenize: checkOneOf('tokenize', o.tokenize ?? '13a', ['13a', 'none'] as const),
    lowercase: o.lowercase ?? false,
    smoothMethod,
    smoothValue:
      o.smoothValue === undefined ? SMOOTH_DEFAULTS[smoothMethod] : checkRange('smoothValue', o.smoothValue, 0, Number.MAX_VALUE),
    order: checkPositiveInt('maxNgramOrder', o.maxNgramOrder ?? 4),
    effectiveOrder: o.effectiveOrder ?? false,
  };
}

function tokens(sentence: string, r: Resolved): string[] {
  const s = rstrip(r.lowercase ? sentence.toLowerCase() : sentence);
  return splitWhitespace(r.tokenize === '13a' ? tokenize13a(s) : s);
}

/** n-gram counts for n = 1..order, keyed by the n tokens joined with a separator that cannot occur in a token. */
function ngrams(words: readonly string[], order: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= order; n++)
    for (let i = 0; i + n <= words.length; i++) {
      const key = `${n}\u0000${words.slice(i, i + n).join('\u0000')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

/** Sufficient statistics of a corpus: [sysLen, refLen, correct x order, total x order]. */
function statistics(hypotheses: readonly string[], references: readonly (readonly string[])[], r: Resolved): number[] {
  if (!Array.isArray(hypotheses) || hypotheses.length === 0)
    throw new InvalidArgumentError('hypotheses', 'a non-empty array of strings', hypotheses);
  if (!Array.isArray(references) || references.length === 0)
    throw new InvalidArgumentError('references', 'a non-empty array of reference streams (arrays of strings)', references);
  references.forEach((stream, k) => {
    if (!Array.isArray(stream)) throw new InvalidArgumentError(`references[${k}]`, 'an array of strings', stream);
    if (stream.length !== hypotheses.length)
      throw new ShapeError(`references[${k}]`, `${hypotheses.length} segments (one per hypothesis)`, `${stream.length}`);
  });
  const stats = new Array<number>(2 + 2 * r.order).fill(0);
  hypotheses.forEach((hyp, i) => {
    if (typeof hyp !== 'string') throw new InvalidArgumentError(`hypotheses[${i}]`, 'a string', hyp);
    // references of this segment; empty strings mark a missing reference (variable number of references)
    const refs = references.map((stream, k) => {
      const ref = stream[i];
      if (typeof ref !== 'string') throw new InvalidArgumentError(`references[${k}][${i}]`, 'a string', ref);
      return ref;
    });
    const present = refs.filter((ref) => ref !== '');
    if (present.length === 0) throw new InvalidArgumentError(`references[*][${i}]`, 'at least one non-empty reference', 'none');
    const refMax = new Map<string, number>();
    const refLens: number[] = [];
    for (const ref of present) {
      const words = tokens(ref, r);
      refLens.push(words.length);
      for (const [g, c] of ngrams(words, r.order)) refMax.set(g, Math.max(refMax.get(g) ?? 0, c));
    }
    const words = tokens(hyp, r);
    stats[0] += words.length;
    stats[1] += closestLength(words.length, refLens);
    for (const [g, c] of ngrams(words, r.order)) {
      const n = Number(g.slice(0, g.indexOf('\u0000')));
      stats[1 + n + r.order]! += c;
      stats[1 + n]! += Math.min(c, refMax.get(g) ?? 0);
    }
  });
  return stats;
}

/** The reference length closest to the hypothesis length; ties go to the shorter reference. */
function closestLength(hypLen: number, refLens: readonly number[]): number {
  let best = refLens[0]!;
  for (const len of refLens) {
    const d = Math.abs(hypLen - len);
    const bd = Math.abs(hypLen - best);
    if (d < bd || (d === bd && len < best)) best = len;
  }
  return best;
}

/**
 * BLEU from its sufficient statistics (sacreBLEU's compute_bleu): clipped matches and totals per order, corpus
 * hypothesis and reference lengths.
 */
export function bleuFromCounts(
  counts: readonly number[],
  totals: readonly number[],
  sysLen: number,
  refLen: number,
  options: BleuOptions = {},
): BleuScore {
  return compute(counts, totals, sysLen, refLen, resolve({ ...options, smoothMethod: options.smoothMethod ?? 'none' }));
}

function compute(counts: readonly number[], totals: readonly number[], sysLen: number, refLen: number, r: Resolved): BleuScore {
  if (counts.length !== r.order || totals.length !== r.order)
    throw new ShapeError('counts', `${r.order} counts and totals (maxNgramOrder)`, `${counts.length} and ${totals.length}`);
  const correct = [...counts];
  const total = [...totals];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(r.order).fill(0);
  if (!correct.some((c) => c > 0)) return { score: 0, counts: correct, totals: total, precisions, bp, sysLen, refLen };
  let smoothExp = 1;
  let effOrder = r.order;
  for (let n = 1; n <= r.order; n++) {
    if (r.smoothMethod === 'add-k' && n > 1) {
      correct[n - 1]! += r.smoothValue;
      total[n - 1]! += r.smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (r.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (r.smoothMethod === 'exp') {
        smoothExp *= 2;
        precisions[n - 1] = 100 / (smoothExp * total[n - 1]!);
      } else if (r.smoothMethod === 'floor') precisions[n - 1] = (100 * r.smoothValue) / total[n - 1]!;
    } else precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
  }
  // a zero precision makes the score 0 (sacreBLEU takes log(0) as -9999999999)
  const logSum = precisions.slice(0, effOrder).reduce((s, p) => s + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return { score: bp * Math.exp(logSum / effOrder), counts: correct, totals: total, precisions, bp, sysLen, refLen };
}

/**
 * Corpus BLEU. `references` holds one or more reference streams in sacreBLEU's layout: references[k][i] is the
 * k-th reference of hypothesis i; an empty string marks a missing reference for segments that have fewer.
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  options: BleuOptions = {},
): BleuScore {
  const r = resolve(options);
  const s = statistics(hypotheses, references, r);
  return compute(s.slice(2, 2 + r.order), s.slice(2 + r.order), s[0]!, s[1]!, r);
}

/** Sentence BLEU of one hypothesis against its references (effective order on by default, as sacreBLEU). */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuScore {
  if (!Array.isArray(references)) throw new InvalidArgumentError('references', 'an array of strings', references);
  return corpusBleu(
    [hypothesis],
    references.map((ref) => [ref]),
    { effectiveOrder: true, ...options },
  );
}

/** Per-segment reference lists (any number each) as sacreBLEU's reference streams, padded with ''. */
export function referenceStreams(perSegment: readonly (readonly string[])[]): string[][] {
  const k = Math.max(0, ...perSegment.map((refs) => refs.length));
  return Array.from({ length: k }, (_, j) => perSegment.map((refs) => refs[j] ?? ''));
}
