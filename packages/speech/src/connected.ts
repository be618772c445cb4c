// Connected-digit utterances from isolated-digit recordings: recordings are split into disjoint train /
// validation / test sets first, then each utterance concatenates 1-5 recordings of its own split, so no
// recording is heard in two splits.
import { checkPositiveInt, InvalidArgumentError, Rng } from '@rnn/core';

export interface Recording {
  digit: number;
  frames: number;
  /** [frames, features] row-major. */
  features: Float32Array;
}

export interface Utterance {
  digits: number[];
  frames: number;
  features: Float32Array;
}

export interface SplitOptions {
  /** Fractions for validation and test; the rest trains. Default 0.1 and 0.1. */
  validation?: number;
  test?: number;
  seed?: number;
}

export function splitRecordings<T>(recordings: readonly T[], o: SplitOptions = {}): { train: T[]; validation: T[]; test: T[] } {
  const v = o.validation ?? 0.1;
  const t = o.test ?? 0.1;
  if (!(v >= 0 && t >= 0 && v + t < 1))
    throw new InvalidArgumentError('split', 'validation and test fractions >= 0 summing below 1', { v, t });
  const order = new Rng(o.seed ?? 0).shuffle(recordings.map((_, i) => i));
  const nv = Math.round(recordings.length * v);
  const nt = Math.round(recordings.length * t);
  const pick = (a: number, b: number) => order.slice(a, b).map((i) => recordings[i]!);
  return { validation: pick(0, nv), test: pick(nv, nv + nt), train: pick(nv + nt, recordings.length) };
}

/** `count` utterances of minDigits..maxDigits recordings each, drawn (seeded) from `recordings`. */
export function connectedDigits(
  recordings: readonly Recording[],
  count: number,
  o: { minDigits?: number; maxDigits?: number; seed?: number; featureSize?: number } = {},
): Utterance[] {
  checkPositiveInt('count', count);
  const lo = checkPositiveInt('minDigits', o.minDigits ?? 1);
  const hi = checkPositiveInt('maxDigits', o.maxDigits ?? 5);
  if (hi < lo) throw new InvalidArgumentError('maxDigits', `>= minDigits (${lo})`, hi);
  if (recordings.length === 0) throw new InvalidArgumentError('recordings', 'at least one recording', 0);
  const F = o.featureSize ?? 13;
  const rng = new Rng(o.seed ?? 1);
  return Array.from({ length: count }, () => {
    const parts = Array.from({ length: lo + rng.int(hi - lo + 1) }, () => recordings[rng.int(recordings.length)]!);
    const frames = parts.reduce((n, p) => n + p.frames, 0);
    const features = new Float32Array(frames * F);
    let at = 0;
    for (const p of parts) {
      features.set(p.features, at * F);
      at += p.frames;
    }
    return { digits: parts.map((p) => p.digit), frames, features };
  });
}
