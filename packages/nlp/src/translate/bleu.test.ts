import { describe, expect, it } from 'vitest';
import { bleuFromCounts, corpusBleu, referenceStreams, sentenceBleu, tokenize13a } from './bleu.js';

describe('tokenize13a (mteval-v13a, as sacreBLEU)', () => {
  // expected strings from sacreBLEU's Tokenizer13a run on the same inputs
  it.each([
    ['Hello, world!', 'Hello , world !'],
    ["It's 3.5 km-long.", "It's 3.5 km-long ."],
    ['5-6 p.m.', '5 - 6 p . m .'],
    ['&quot;Quoted&quot; &amp; <tags> [x] {y} a/b', '" Quoted " & < tags > [ x ] { y } a / b'],
    ['1,000.50 and 2,5,', '1,000.50 and 2,5 ,'],
    ['U.S.A.', 'U . S . A .'],
    ["C'est l'été ; non ?", "C'est l'été ; non ?"],
    ['tab\there\u00a0nbsp\u2009thin', 'tab here nbsp thin'],
    ['x-\ny\nz <skipped>', 'xy z'],
    ['a--b ~_^`|\\ @#$%*+=', 'a--b ~ _ ^ ` | \\ @ # $ % * + ='],
    ['end.\u3000', 'end .'],
    ['...', '. . .'],
    ['1.2.3', '1.2.3'],
  ])('%j -> %j', (input, expected) => {
    expect(tokenize13a(input)).toBe(expected);
  });
});

describe('corpusBleu: sacreBLEU 2.x test cases (test/test_bleu.py)', () => {
  const refs = [
    ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
  ];
  const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

  it('the README example: 48.530827 (default 13a, exp smoothing), 49.1919566 with tokenize none', () => {
    expect(corpusBleu(hyps, refs).score).toBeCloseTo(48.530827, 6);
    expect(corpusBleu(hyps, refs, { tokenize: '13a' }).score).toBeCloseTo(48.530827, 6);
    expect(corpusBleu(hyps, refs, { smoothMethod: 'none' }).score).toBeCloseTo(48.530827, 6);
    expect(corpusBleu(hyps, refs, { tokenize: 'none' }).score).toBeCloseTo(49.1919566, 6);
    expect(corpusBleu(['', '', ''], refs).score).toBe(0);
  });

  it('max n-gram order 1..6: 77.65, 60.50, 53.93, 48.53, 46.14, 43.28', () => {
    const scores = [1, 2, 3, 4, 5, 6].map((maxNgramOrder) => corpusBleu(hyps, refs, { maxNgramOrder }).score.toFixed(2));
    expect(scores).toEqual(['77.65', '60.50', '53.93', '48.53', '46.14', '43.28']);
  });

  // raw_corpus_bleu: tokenize none, floor smoothing, effective order
  const raw = (h: string[], r: string[], floor: number) =>
    corpusBleu(h, [r], { tokenize: 'none', smoothMethod: 'floor', smoothValue: floor, effectiveOrder: true });

  it('raw BLEU cases and statistics', () => {
    expect(raw(['this is a test', 'another test'], ['ref1', 'ref2'], 0.01).score).toBe(0); // no match at all: 0 (#141)
    expect(raw(['this is a test'], ['this is a test'], 0.01).score / 100).toBeCloseTo(1, 12);
    expect(raw(['this is a fest'], ['this is a test'], 0.01).score / 100).toBeCloseTo(0.223606797749979, 12);
    const s = raw(['am I am a character sequence'], ['I am a symbol string sequence a a'], 0.01);
    expect(s.counts).toEqual([4, 2, 1, 0]);
    expect(s.totals).toEqual([6, 5, 4, 3]);
    expect(raw(['am I am a character sequence'], ['I am a symbol string sequence a a'], 0.1).score / 100).toBeCloseTo(0.1555722182, 9);
    expect(raw(['am I am a character sequence'], ['I am a symbol string sequence a a'], 0).score).toBe(0);
  });

  it('effective order', () => {
    expect(raw(['test'], ['a test'], 0.01).score / 100).toBeCloseTo(0.3678794411714425, 12);
    expect(raw(['a test'], ['a test'], 0.01).score / 100).toBeCloseTo(1, 12);
    expect(raw(['a little test'], ['a test'], 0.01).score / 100).toBeCloseTo(0.03218297948685433, 12);
  });

  it('scoring from statistics, and degenerate statistics', () => {
    expect(bleuFromCounts([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100).toBeCloseTo(0.8375922397, 9);
    const floor = (c: number[], t: number[], sys: number, ref: number, v: number) =>
      bleuFromCounts(c, t, sys, ref, { smoothMethod: 'floor', smoothValue: v }).score;
    expect(floor([0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0)).toBe(0);
    expect(floor([0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0)).toBe(0);
    expect(floor([0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0)).toBe(0);
    expect(floor([6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0)).toBe(0);
    expect(floor([0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1)).toBe(0);
    expect(floor([0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01)).toBe(0);
  });
});

describe('corpusBleu: hand-computed', () => {
  it('zero 4-gram matches are smoothed by "exp" (1 / (2 · total)), and give 0 without smoothing', () => {
    // unigrams 5/6 (the x2, cat, on, mat), bigrams 3/5 (the cat, on the, the mat), trigrams 1/4 (on the mat),
    // 4-grams 0/3 -> exp smoothing 1 / (2 · 3); lengths 6 and 6, so BP = 1
    const s = corpusBleu(['the cat sat on the mat'], [['the cat is on the mat']]);
    expect(s.counts).toEqual([5, 3, 1, 0]);
    expect(s.totals).toEqual([6, 5, 4, 3]);
    expect(s.bp).toBe(1);
    expect(s.score).toBeCloseTo(100 * ((5 / 6) * (3 / 5) * (1 / 4) * (1 / 6)) ** 0.25, 10);
    expect(corpusBleu(['the cat sat on the mat'], [['the cat is on the mat']], { smoothMethod: 'none' }).score).toBe(0);
    // no match of any order: 0 whatever the smoothing
    expect(corpusBleu(['xyz'], [['the cat']]).score).toBe(0);
  });

  it('brevity penalty: exp(1 - r / c) for a short corpus', () => {
    // 2 hypothesis tokens, 6 reference tokens; with effective order only unigrams and bigrams count (both 100%)
    const s = corpusBleu(['the cat'], [['the cat is on the mat']], { effectiveOrder: true });
    expect(s.sysLen).toBe(2);
    expect(s.refLen).toBe(6);
    expect(s.bp).toBeCloseTo(Math.exp(1 - 6 / 2), 15);
    expect(s.score).toBeCloseTo(100 * Math.exp(-2), 10);
    // without effective order, the missing trigrams make corpus BLEU 0 (sacreBLEU stops at an empty order)
    expect(corpusBleu(['the cat'], [['the cat is on the mat']]).score).toBe(0);
    // a longer hypothesis is not penalised
    expect(corpusBleu(['the cat is on the mat today'], [['the cat is on the mat']]).bp).toBe(1);
  });

  it('multiple references: clipping by the largest count in one reference, closest length with ties to the shorter', () => {
    // hypothesis "a a a a" (4 tokens); references "a b c" (3) and "a a d e f" (5): both 1 away -> 3
    const s = corpusBleu(['a a a a'], [['a b c'], ['a a d e f']], { tokenize: 'none' });
    expect(s.refLen).toBe(3);
    expect(s.counts[0]).toBe(2); // max count of "a" in one reference is 2
    expect(s.counts[1]).toBe(1); // "a a" once in the second reference
    // a missing reference ('') is skipped (variable number of references)
    const v = corpusBleu(
      ['x y', 'p q'],
      [
        ['x y', 'p q'],
        ['x z', ''],
      ],
      { tokenize: 'none', effectiveOrder: true },
    );
    expect(v.score).toBeCloseTo(100, 10);
    expect(referenceStreams([['a', 'b'], ['c']])).toEqual([
      ['a', 'c'],
      ['b', ''],
    ]);
  });

  it('lowercasing and sentence BLEU', () => {
    expect(corpusBleu(['The Cat Sat'], [['the cat sat']], { lowercase: true, effectiveOrder: true }).score).toBeCloseTo(100, 10);
    expect(sentenceBleu('the cat', ['the cat is on the mat']).score).toBeCloseTo(100 * Math.exp(-2), 10);
  });

  it('bad input is a typed error', () => {
    expect(() => corpusBleu([], [[]])).toThrow(/hypotheses: expected a non-empty array of strings/);
    expect(() => corpusBleu(['a'], [['a', 'b']])).toThrow(/references\[0\]: expected 1 segments \(one per hypothesis\), received 2/);
    expect(() => corpusBleu(['a'], [['']])).toThrow(/references\[\*\]\[0\]: expected at least one non-empty reference/);
    expect(() => corpusBleu(['a'], [['a']], { smoothMethod: 'laplace' as never })).toThrow(/smoothMethod: expected one of/);
    expect(() => corpusBleu([3 as never], [['a']])).toThrow(/hypotheses\[0\]: expected a string, received 3/);
    expect(() => bleuFromCounts([1, 2], [1, 2, 3, 4], 1, 1)).toThrow(/counts: expected 4 counts and totals/);
  });
});
