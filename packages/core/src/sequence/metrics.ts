// Edit-distance metrics for label sequences: label (character, digit, word) error rate and exact-match accuracy.

/** Levenshtein distance: insertions, deletions and substitutions, each cost 1. */
export function editDistance(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Total edit distance over total reference length (e.g. digit error rate). */
export function labelErrorRate(references: readonly ArrayLike<unknown>[], hypotheses: readonly ArrayLike<unknown>[]): number {
  let errors = 0;
  let total = 0;
  references.forEach((r, i) => {
    errors += editDistance(r, hypotheses[i] ?? []);
    total += r.length;
  });
  return total === 0 ? 0 : errors / total;
}

/** Fraction of hypotheses equal to their reference. */
export function sequenceAccuracy(references: readonly ArrayLike<unknown>[], hypotheses: readonly ArrayLike<unknown>[]): number {
  if (references.length === 0) return 0;
  let right = 0;
  references.forEach((r, i) => {
    right += Number(editDistance(r, hypotheses[i] ?? []) === 0);
  });
  return right / references.length;
}
