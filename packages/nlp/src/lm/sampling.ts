// Choosing the next token from a model's logits: greedy, or sampling with temperature, top-k and top-p
// (nucleus). The filters apply in that order (temperature, then top-k, then top-p), as in Hugging Face's
// generate; sampling draws from the seeded Rng so the same seed gives the same text.
import { checkFinite, checkPositiveInt, InvalidArgumentError, type Rng } from '@rnn/core';

export interface SamplingOptions {
  /** Always take the most likely token (argmax); the other options must then be left out. */
  greedy?: boolean;
  /** Divides the logits: < 1 sharpens, > 1 flattens. Must be > 0 (use greedy for the limit 0). Default 1. */
  temperature?: number;
  /** Sample only among the k most likely tokens (k >= 1). */
  topK?: number;
  /** Sample only from the smallest set of most likely tokens whose probability reaches p, p in (0, 1]. */
  topP?: number;
}

/** Picks a token id from one row of logits. */
export type Sampler = (logits: ArrayLike<number>, rng: Rng) => number;

/** Validates the options once and returns the sampler they describe. */
export function createSampler(options: SamplingOptions = {}): Sampler {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('sampling', 'an options object', options);
  const { greedy = false, temperature = 1, topK, topP } = options;
  if (typeof greedy !== 'boolean') throw new InvalidArgumentError('sampling.greedy', 'a boolean', greedy);
  if (greedy) {
    for (const key of ['temperature', 'topK', 'topP'] as const)
      if (options[key] !== undefined) throw new InvalidArgumentError(`sampling.${key}`, 'nothing with greedy: true', options[key]);
    return (logits) => argmax(checkLogits(logits));
  }
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0)
    throw new InvalidArgumentError('sampling.temperature', 'a finite number > 0 (greedy: true for temperature 0)', temperature);
  if (topK !== undefined) checkPositiveInt('sampling.topK', topK);
  if (topP !== undefined && (typeof topP !== 'number' || !(topP > 0 && topP <= 1)))
    throw new InvalidArgumentError('sampling.topP', 'a number in (0, 1]', topP);
  return (logits, rng) => sampleIndex(samplingDistribution(logits, { temperature, topK, topP }), rng);
}

/**
 * The distribution the sampler draws from: softmax(logits / temperature), restricted to the top-k tokens and
 * then to the nucleus, renormalised. Tokens outside get probability 0.
 */
export function samplingDistribution(logits: ArrayLike<number>, options: Omit<SamplingOptions, 'greedy'> = {}): Float64Array {
  const probs = softmax(checkLogits(logits), options.temperature ?? 1);
  const order = options.topK !== undefined || options.topP !== undefined ? rankByProbability(probs) : null;
  let keep = probs.length;
  if (options.topK !== undefined) keep = Math.min(keep, options.topK);
  if (options.topP !== undefined) {
    // the nucleus of the already top-k-filtered distribution: renormalise over the kept tokens first
    let kept = 0;
    for (let r = 0; r < keep; r++) kept += probs[order![r]!]!;
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += probs[order![r]!]! / kept;
      if (mass >= options.topP - 1e-12) {
        keep = r + 1;
        break;
      }
    }
  }
  if (order) {
    const filtered = new Float64Array(probs.length);
    for (let r = 0; r < keep; r++) filtered[order[r]!] = probs[order[r]!]!;
    return normalize(filtered);
  }
  return probs;
}

/** softmax(logits / temperature), computed stably in float64. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp((logits[i]! - max) / temperature);
  return normalize(out);
}

/** log softmax(logits), stable. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const logZ = max + Math.log(sum);
  return Float64Array.from(logits, (v) => v - logZ);
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Draws an index from a normalised distribution (inverse CDF with one uniform draw). */
export function sampleIndex(probs: ArrayLike<number>, rng: Rng): number {
  const u = rng.next();
  let cdf = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! <= 0) continue;
    last = i;
    cdf += probs[i]!;
    if (u < cdf) return i;
  }
  return last; // u above a cdf that rounding left just below 1
}

function checkLogits(logits: ArrayLike<number>): ArrayLike<number> {
  if (logits.length === 0) throw new InvalidArgumentError('logits', 'at least one value', 'an empty array');
  checkFinite('logits', logits);
  return logits;
}

/** Token ids by descending probability (ties by id). */
function rankByProbability(probs: Float64Array): Int32Array {
  return Int32Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]! || a - b);
}

function normalize(p: Float64Array): Float64Array {
  let sum = 0;
  for (const v of p) sum += v;
  for (let i = 0; i < p.length; i++) p[i] = p[i]! / sum;
  return p;
}
