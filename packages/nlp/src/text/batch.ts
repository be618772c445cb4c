// End-padded batches of id sequences, in the [B, T] + lengths form the recurrent layers take.
import { checkNonNegativeInt, checkPositiveInt, InvalidArgumentError } from '@rnn/core';

export interface PaddedBatch {
  /** [B, T] ids, row-major, each row end-padded with the pad id. */
  data: Int32Array;
  shape: [number, number];
  /** The true length of each row, 1..T. */
  lengths: Int32Array;
}

export interface PadOptions {
  /** The longest sequence allowed; a longer one is an error (never truncated). */
  maxLength?: number;
}

/** Pads `sequences` at the end to the longest one. T is the longest length, not `maxLength`. */
export function padBatch(sequences: readonly ArrayLike<number>[], padId: number, options: PadOptions = {}): PaddedBatch {
  checkNonNegativeInt('padId', padId);
  const maxLength = options.maxLength === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt('options.maxLength', options.maxLength);
  if (sequences.length === 0) throw new InvalidArgumentError('sequences', 'at least one sequence', 'an empty list');
  let T = 0;
  sequences.forEach((s, b) => {
    if (s.length === 0) throw new InvalidArgumentError(`sequences[${b}]`, 'a non-empty sequence', 'length 0');
    if (s.length > maxLength) throw new InvalidArgumentError(`sequences[${b}].length`, `at most maxLength = ${maxLength}`, s.length);
    T = Math.max(T, s.length);
  });
  const B = sequences.length;
  const data = new Int32Array(B * T).fill(padId);
  const lengths = new Int32Array(B);
  sequences.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) {
      const id = s[t]!;
      if (!Number.isInteger(id) || id < 0) throw new InvalidArgumentError(`sequences[${b}][${t}]`, 'a non-negative integer id', id);
      data[b * T + t] = id;
    }
    lengths[b] = s.length;
  });
  return { data, shape: [B, T], lengths };
}
