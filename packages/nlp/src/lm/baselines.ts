// Count-based n-gram models: the trivial baselines a neural language model has to beat.
import { checkNonNegativeInt, checkPositiveInt, checkPositiveNumber, InvalidArgumentError } from '@rnn/core';

export interface NgramOptions {
  /** 1 = unigram (token frequencies), 2 = bigram, ... */
  order: number;
  /** Number of distinct token ids (ids must be below it). */
  vocabSize: number;
  /** Add-k (Lidstone) smoothing, so unseen events keep some probability. Default 1 (Laplace). */
  smoothing?: number;
}

export interface NgramScore {
  /** Tokens scored (every token with a full context: from index order - 1 on). */
  tokens: number;
  /** Mean negative log-probability per token, in bits. */
  bitsPerToken: number;
}

/**
 * Trains an add-k smoothed n-gram model on `train` and scores `evaluate`:
 * P(w | context) = (count(context, w) + k) / (count(context) + k · vocabSize).
 */
export function ngramBaseline(train: ArrayLike<number>, evaluate: ArrayLike<number>, options: NgramOptions): NgramScore {
  const order = checkPositiveInt('options.order', options?.order);
  const V = checkPositiveInt('options.vocabSize', options.vocabSize);
  const k = checkPositiveNumber('options.smoothing', options.smoothing ?? 1);
  for (const [name, ids] of [
    ['train', train],
    ['evaluate', evaluate],
  ] as const) {
    if (ids.length < order) throw new InvalidArgumentError(`${name}.length`, `at least order = ${order} tokens`, ids.length);
    for (let i = 0; i < ids.length; i++)
      if (checkNonNegativeInt(`${name}[${i}]`, ids[i]) >= V)
        throw new InvalidArgumentError(`${name}[${i}]`, `an id below vocabSize ${V}`, ids[i]);
  }
  const contextKey = (ids: ArrayLike<number>, end: number): string => Array.prototype.slice.call(ids, end - order + 1, end).join(',');
  const pairs = new Map<string, number>();
  const contexts = new Map<string, number>();
  for (let i = order - 1; i < train.length; i++) {
    const ctx = contextKey(train, i);
    contexts.set(ctx, (contexts.get(ctx) ?? 0) + 1);
    pairs.set(`${ctx}|${train[i]}`, (pairs.get(`${ctx}|${train[i]}`) ?? 0) + 1);
  }
  let bits = 0;
  for (let i = order - 1; i < evaluate.length; i++) {
    const ctx = contextKey(evaluate, i);
    const p = ((pairs.get(`${ctx}|${evaluate[i]}`) ?? 0) + k) / ((contexts.get(ctx) ?? 0) + k * V);
    bits -= Math.log2(p);
  }
  const tokens = evaluate.length - order + 1;
  return { tokens, bitsPerToken: bits / tokens };
}
