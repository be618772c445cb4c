// Batches of similar lengths: shuffled, then sorted by length within pools of 20 batches, so a batch carries
// little padding while the batches still change every epoch. Shared by the tagger and the translator.
import type { Rng } from '@rnn/core';

/** Batches of sample indices for samples of the given lengths, in a shuffled order drawn from `rng`. */
export function lengthBuckets(lengths: readonly number[], batchSize: number, rng: Rng): number[][] {
  const order = rng.shuffle(lengths.map((_, i) => i));
  const batches: number[][] = [];
  const pool = batchSize * 20;
  for (let p = 0; p < order.length; p += pool) {
    const part = order.slice(p, p + pool).sort((a, b) => lengths[a]! - lengths[b]!);
    for (let s = 0; s < part.length; s += batchSize) batches.push(part.slice(s, s + batchSize));
  }
  return rng.shuffle(batches);
}
