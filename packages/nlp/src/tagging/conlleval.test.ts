import { describe, expect, it } from 'vitest';
import { conllEval, fixed, formatConllEval } from './conlleval.js';

// Expected reports are conlleval.pl's output (version 2004-01-26) for the same tags, written as
// `token gold predicted` lines; the counts are hand-checked in the comments.
const report = (gold: string[][], predicted: string[][]) => formatConllEval(conllEval(gold, predicted));

describe('conllEval (conlleval.pl semantics)', () => {
  it('counts exact span-and-type matches, per type and overall', () => {
    // gold PER 0..2, LOC 3; predicted PER 0..2, ORG 3 -> 1 of 2 correct
    const r = conllEval([['B-PER', 'I-PER', 'O', 'B-LOC']], [['B-PER', 'I-PER', 'O', 'B-ORG']]);
    expect([r.gold, r.predicted, r.correct]).toEqual([2, 2, 1]);
    expect([r.precision, r.recall, r.f1, r.accuracy]).toEqual([50, 50, 50, 75]);
    expect(r.types.LOC).toEqual({ precision: 0, recall: 0, f1: 0, gold: 1, predicted: 0, correct: 0 });
    expect(r.types.PER).toEqual({ precision: 100, recall: 100, f1: 100, gold: 1, predicted: 1, correct: 1 });
    expect(formatConllEval(r)).toBe(
      'processed 4 tokens with 2 phrases; found: 2 phrases; correct: 1.\n' +
        'accuracy:  75.00%; precision:  50.00%; recall:  50.00%; FB1:  50.00\n' +
        '              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n' +
        '              ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n' +
        '              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n',
    );
  });

  it('an I- without a B- opens an entity (gold I-PER I-PER equals predicted B-PER I-PER)', () => {
    expect(report([['O', 'I-PER', 'I-PER', 'O']], [['O', 'B-PER', 'I-PER', 'O']])).toBe(
      'processed 4 tokens with 1 phrases; found: 1 phrases; correct: 1.\n' +
        'accuracy:  75.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n' +
        '              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n',
    );
  });

  it('a type change inside I- tags starts a new entity', () => {
    // gold: PER 0, LOC 1 (two entities); predicted: PER 0..2 -> no match
    const r = conllEval([['B-PER', 'I-LOC']], [['B-PER', 'I-PER']]);
    expect([r.gold, r.predicted, r.correct, r.accuracy]).toEqual([2, 1, 0, 50]);
    expect(report([['B-PER', 'I-LOC']], [['B-PER', 'I-PER']])).toBe(
      'processed 2 tokens with 2 phrases; found: 1 phrases; correct: 0.\n' +
        'accuracy:  50.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n' +
        '              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n' +
        '              PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n',
    );
  });

  it('sentence breaks end entities; B-B is two entities; a shorter span is wrong', () => {
    const split = conllEval([['B-PER'], ['I-PER']], [['B-PER'], ['I-PER']]);
    expect([split.gold, split.predicted, split.correct]).toEqual([2, 2, 2]);
    const bb = conllEval([['B-PER', 'B-PER']], [['B-PER', 'I-PER']]);
    expect([bb.gold, bb.predicted, bb.correct]).toEqual([2, 1, 0]);
    const short = conllEval([['B-ORG', 'I-ORG', 'I-ORG']], [['B-ORG', 'I-ORG', 'O']]);
    expect([short.gold, short.predicted, short.correct]).toEqual([1, 1, 0]);
    expect(short.accuracy).toBeCloseTo(200 / 3, 12);
  });

  it('types may contain hyphens (split at the first one); types sort by code point', () => {
    const gold = [['I-MISC', 'O', 'I-LOC', 'B-LOC-X', 'I-LOC-X']];
    const predicted = [['O', 'I-LOC', 'I-LOC', 'B-LOC-X', 'I-LOC-X']];
    expect(report(gold, predicted)).toBe(
      'processed 5 tokens with 3 phrases; found: 2 phrases; correct: 1.\n' +
        'accuracy:  60.00%; precision:  50.00%; recall:  33.33%; FB1:  40.00\n' +
        '              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n' +
        '            LOC-X: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n' +
        '             MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n',
    );
  });

  it('no entities: scores are 0, not NaN; no tokens: no accuracy line', () => {
    expect(report([['O']], [['O']])).toBe(
      'processed 1 tokens with 0 phrases; found: 0 phrases; correct: 0.\naccuracy: 100.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n',
    );
    expect(report([], [])).toBe('processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n');
    expect(conllEval([['O', 'O']], [['B-PER', 'O']]).f1).toBe(0);
  });

  it('formats like C printf %6.2f: exact binary value, ties to even', () => {
    expect(fixed(12.125)).toBe(' 12.12'); // exactly representable tie: even
    expect(fixed(12.375)).toBe(' 12.38');
    expect(fixed(0.125)).toBe('  0.12');
    expect(fixed(100)).toBe('100.00');
    expect(fixed(2 / 3)).toBe('  0.67');
    expect(fixed(1.005)).toBe('  1.00'); // 1.005 is 1.00499999999999989... in binary
    expect(fixed(99.995)).toBe('100.00'); // 99.99500000000000454... in binary
  });

  it('bad input is a typed error', () => {
    expect(() => conllEval([['O']], [])).toThrow(/predicted: expected 1 sentences \(as gold\), received 0/);
    expect(() => conllEval([['O', 'O']], [['O']])).toThrow(/predicted\[0\]: expected 2 tags \(as gold\[0\]\), received 1/);
    expect(() => conllEval([['X-PER']], [['O']])).toThrow(
      /gold\[0\]\[0\]: expected an IOB tag: "O", "B-TYPE" or "I-TYPE", received "X-PER"/,
    );
    expect(() => conllEval([['B-']], [['O']])).toThrow(/gold\[0\]\[0\]: expected an IOB tag/);
    expect(() => conllEval([['O']], [['PER']])).toThrow(/predicted\[0\]\[0\]: expected an IOB tag/);
  });
});
