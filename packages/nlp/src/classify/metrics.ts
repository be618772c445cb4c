// Classification metrics from true and predicted class indices: accuracy, the confusion matrix, and
// precision / recall / F1 per class, macro-averaged (each class counts the same) and micro-averaged (each
// sample counts the same; for single-label data micro P = R = F1 = accuracy). A ratio with a zero
// denominator (a class never predicted, or absent) is 0, as scikit-learn's zero_division=0.
import { checkPositiveInt, InvalidArgumentError } from '@rnn/core';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface PerClassScores extends ClassScores {
  label: string;
  /** True samples of this class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  /** confusion[trueClass][predictedClass] = count. */
  confusion: number[][];
  perClass: PerClassScores[];
  macro: ClassScores;
  micro: ClassScores;
  samples: number;
}

/** `labels` are the class names (their count is the number of classes), or the number of classes. */
export function classificationReport(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labels: readonly string[] | number,
): ClassificationReport {
  const names = typeof labels === 'number' ? Array.from({ length: checkPositiveInt('labels', labels) }, (_, i) => String(i)) : [...labels];
  const C = names.length;
  if (C === 0) throw new InvalidArgumentError('labels', 'at least one class', labels);
  if (truth.length !== predicted.length)
    throw new InvalidArgumentError('predicted.length', `${truth.length} predictions (one per true label)`, predicted.length);
  if (truth.length === 0) throw new InvalidArgumentError('truth', 'at least one sample', 'none');
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const [t, p] = [truth[i]!, predicted[i]!];
    if (!(Number.isInteger(t) && t >= 0 && t < C)) throw new InvalidArgumentError(`truth[${i}]`, `a class index in 0..${C - 1}`, t);
    if (!(Number.isInteger(p) && p >= 0 && p < C)) throw new InvalidArgumentError(`predicted[${i}]`, `a class index in 0..${C - 1}`, p);
    confusion[t]![p]!++;
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  const f1 = (p: number, r: number): number => ratio(2 * p * r, p + r);
  let correct = 0;
  const perClass = names.map((label, c) => {
    const tp = confusion[c]![c]!;
    correct += tp;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = ratio(tp, predictedAs);
    const recall = ratio(tp, support);
    return { label, precision, recall, f1: f1(precision, recall), support };
  });
  const mean = (key: keyof ClassScores): number => perClass.reduce((a, s) => a + s[key], 0) / C;
  const accuracy = correct / truth.length;
  // micro: tp, fp and fn summed over classes; with one label per sample fp = fn = errors
  return {
    accuracy,
    confusion,
    perClass,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    micro: { precision: accuracy, recall: accuracy, f1: accuracy },
    samples: truth.length,
  };
}
