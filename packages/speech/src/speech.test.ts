import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { loadFsddMfcc } from '@rnn/datasets';
import { describe, expect, it } from 'vitest';
import { connectedDigits, DigitRecognizer, splitRecordings } from './index.js';

describe('connected-digit data', () => {
  it('splits recordings disjointly before building utterances of 1-5 digits', () => {
    const recs = loadFsddMfcc();
    const s = splitRecordings(recs, { validation: 0.1, test: 0.1, seed: 7 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([2400, 300, 300]);
    const seen = new Set(s.train);
    expect(s.test.some((r) => seen.has(r)) || s.validation.some((r) => seen.has(r))).toBe(false);
    const utts = connectedDigits(s.test, 200, { seed: 3 });
    expect(utts.every((u) => u.digits.length >= 1 && u.digits.length <= 5)).toBe(true);
    expect(new Set(utts.map((u) => u.digits.length)).size).toBe(5);
    const u = utts[0]!;
    expect(u.features.length).toBe(u.frames * 13);
    expect(() => connectedDigits(s.test, 3, { minDigits: 4, maxDigits: 2 })).toThrow(/maxDigits: expected >= minDigits \(4\), received 2/);
    expect(() => splitRecordings(recs, { validation: 0.6, test: 0.5 })).toThrow(/split/);
  });
});

describe('DigitRecognizer', () => {
  it('learns to transcribe connected digits with CTC (small run)', () => {
    const s = splitRecordings(loadFsddMfcc(), { validation: 0.1, test: 0.1, seed: 7 });
    const train = connectedDigits(s.train, 1200, { seed: 1, maxDigits: 3 });
    const test = connectedDigits(s.test, 100, { seed: 3, maxDigits: 3 });
    const rec = new DigitRecognizer(jsBackend(), { hiddenSize: 32, layers: 1, lr: 0.01, seed: 1 });
    rec.fitNormaliser(train);
    const before = rec.evaluate(test).digitErrorRate;
    const rng = new Rng(5);
    for (let e = 0; e < 5; e++) rec.trainEpoch(train, 32, rng);
    const after = rec.evaluate(test);
    expect(after.digitErrorRate).toBeLessThan(0.35);
    expect(after.digitErrorRate).toBeLessThan(before);
    expect(rec.transcribe(test[0]!.features)).toMatch(/^[0-9]*$/);
    expect(() => rec.transcribe(new Float32Array(5))).toThrow(/features: expected a non-empty Float32Array of frames x 13/);
    rec.dispose();
  });
});
