// Keras masks and rnn lengths. Keras skips masked time steps (tokens equal to 0 under Embedding(mask_zero),
// or steps whose features all equal mask_value under Masking) wherever they are; rnn models padded batches
// with per-sample lengths, i.e. masks that cover the end of each sequence. For end-padded batches the two agree
// exactly (a recurrent layer keeps its state over padded steps and its final state is the one after the last
// valid step); `paddingLengths` turns such a batch into rnn lengths and rejects masks rnn cannot express.
import { checkHostTensor, type HostTensor, InvalidArgumentError, ShapeError } from '@rnn/core';

/** How the Keras model masked padded steps. */
export type PaddingRule =
  /** Embedding(mask_zero=True): token id 0 is padding (rnn: embedding paddingIndex 0). */
  | { kind: 'maskZero' }
  /** Masking(mask_value): a step whose features all equal `value` is padding. */
  | { kind: 'maskValue'; value: number };

/**
 * Per-sample lengths (1..T) of an end-padded batch under a Keras padding rule, for `predict(x, { lengths })`,
 * `fit` and `trainStep`. Throws an InvalidArgumentError for a masked step before a valid one, or an all-padding sample.
 */
export function paddingLengths(x: HostTensor, padding: PaddingRule): Int32Array {
  checkHostTensor('x', x);
  const rank = padding.kind === 'maskZero' ? 2 : 3;
  if (x.shape.length !== rank)
    throw new ShapeError(
      'x.shape',
      rank === 2 ? 'rank 2 [batch, time] (token ids)' : 'rank 3 [batch, time, features]',
      `[${x.shape.join(', ')}]`,
    );
  const [B, T] = x.shape as [number, number];
  const F = rank === 3 ? x.shape[2]! : 1;
  const value = padding.kind === 'maskZero' ? 0 : padding.value;
  const masked = (b: number, t: number): boolean => {
    for (let f = 0; f < F; f++) if (x.data[(b * T + t) * F + f] !== value) return false;
    return true;
  };
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let length = T;
    while (length > 0 && masked(b, length - 1)) length--;
    if (length === 0) throw new InvalidArgumentError(`x[${b}]`, 'at least one step that is not padding', 'a sample made only of padding');
    for (let t = 0; t < length; t++)
      if (masked(b, t))
        throw new InvalidArgumentError(
          `x[${b}][${t}]`,
          'padding only at the end of a sequence (rnn lengths)',
          'a masked step before a valid one',
        );
    lengths[b] = length;
  }
  return lengths;
}
