import { InvalidArgumentError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { type BeamScorer, beamSearch } from './beam-search.js';

// A hand-made model over tokens a = 0, b = 1, </s> = 2, as a table of next-token probabilities by prefix.
// Greedy takes a (0.6) and then at best 0.4 (path probability 0.24); beam search also keeps b (0.4),
// whose best continuation has 0.9: 0.36 > 0.24.
const TABLE: Record<string, number[]> = {
  '': [0.6, 0.4, 0.0],
  a: [0.3, 0.3, 0.4],
  b: [0.05, 0.05, 0.9],
  aa: [0.5, 0.5, 0],
  ab: [0.5, 0.5, 0],
  ba: [0.5, 0.5, 0],
  bb: [0.5, 0.5, 0],
};
const letters = ['a', 'b', '.'];

/** A scorer over the table that records its calls, keeping each hypothesis's prefix as its "state". */
function tableScorer(table: Record<string, number[]> = TABLE): BeamScorer & { calls: number } {
  let prefixes = [''];
  const row = (prefix: string): Float64Array => Float64Array.from(table[prefix] ?? [1 / 3, 1 / 3, 1 / 3], Math.log);
  return {
    calls: 0,
    start() {
      prefixes = [''];
      return row('');
    },
    extend(parents, tokens) {
      this.calls++;
      prefixes = parents.map((p, j) => prefixes[p]! + letters[tokens[j]!]!);
      return prefixes.map(row);
    },
  };
}

describe('beamSearch', () => {
  it('finds the more probable sequence that greedy misses (hand-verified)', () => {
    const greedy = beamSearch(tableScorer(), { beamWidth: 1, maxTokens: 2, eosId: 2, lengthPenalty: 0 });
    expect(greedy).toHaveLength(1);
    // greedy: a (0.6), then </s> (0.4): 0.24
    expect(greedy[0]!.ids).toEqual([0, 2]);
    expect(Math.exp(greedy[0]!.logProb)).toBeCloseTo(0.24, 12);
    const beam = beamSearch(tableScorer(), { beamWidth: 2, maxTokens: 2, eosId: 2, lengthPenalty: 0 });
    expect(beam[0]!.ids).toEqual([1, 2]);
    expect(Math.exp(beam[0]!.logProb)).toBeCloseTo(0.36, 12);
    expect(beam[0]!.finished).toBe(true);
    expect(beam[1]!.ids).toEqual([0, 2]);
  });

  it('without an end token keeps the beamWidth best sequences of maxTokens tokens', () => {
    const beam = beamSearch(tableScorer(), { beamWidth: 3, maxTokens: 2, lengthPenalty: 0 });
    // all 2-token paths: a a .18, a b .18, a . .24, b a .02, b b .02, b . .36
    expect(beam.map((h) => h.ids)).toEqual([
      [1, 2],
      [0, 2],
      [0, 0],
    ]);
    expect(beam.map((h) => +Math.exp(h.logProb).toFixed(12))).toEqual([0.36, 0.24, 0.18]);
    expect(beam.every((h) => !h.finished)).toBe(true);
  });

  it('ranks finished hypotheses by length-normalised log-probability', () => {
    // "." at once has probability 0.3 (one token); "a ." has 0.7 · 0.4 = 0.28 (two tokens)
    const table = { '': [0.7, 0, 0.3], a: [0.6, 0, 0.4] };
    const total = beamSearch(tableScorer(table), { beamWidth: 2, maxTokens: 3, eosId: 2, lengthPenalty: 0 });
    expect(total.map((h) => h.ids)).toEqual([[2], [0, 2]]); // 0.3 > 0.28
    const perToken = beamSearch(tableScorer(table), { beamWidth: 2, maxTokens: 3, eosId: 2, lengthPenalty: 1 });
    // mean log-probabilities: ln(0.28) / 2 = -0.636 > ln(0.3) = -1.204
    expect(perToken.map((h) => h.ids)).toEqual([[0, 2], [2]]);
    expect(perToken[0]!.score).toBeCloseTo(Math.log(0.28) / 2, 12);
    expect(perToken[1]!.score).toBeCloseTo(Math.log(0.3), 12);
  });

  it('stops extending once beamWidth hypotheses have finished', () => {
    const scorer = tableScorer({ '': [0.1, 0.1, 0.8] });
    const out = beamSearch(scorer, { beamWidth: 1, maxTokens: 50, eosId: 2 });
    expect(out[0]!.ids).toEqual([2]);
    expect(scorer.calls).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => beamSearch(tableScorer(), { beamWidth: 0, maxTokens: 2 })).toThrow('beamWidth: expected a positive integer, received 0');
    expect(() => beamSearch(tableScorer(), { beamWidth: 2, maxTokens: 0 })).toThrow(InvalidArgumentError);
    expect(() => beamSearch(tableScorer(), { beamWidth: 2, maxTokens: 2, lengthPenalty: -1 })).toThrow(/lengthPenalty/);
  });
});
