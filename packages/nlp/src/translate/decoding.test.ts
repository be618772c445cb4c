import { describe, expect, it } from 'vitest';
import { beamDecode, greedyDecode, type StepDecoder } from './decoding.js';

// A hand-made decoder over EOS = 0, BOS = 1, a = 2, b = 3: a table of next-token probabilities by the prefix
// generated so far; each hypothesis row keeps its prefix as its "state" (per sentence, for batches).
const EOS = 0;
const BOS = 1;
const LETTERS = ['.', '^', 'a', 'b'];
const TABLE: Record<string, number[]> = {
  '': [0.1, 0, 0.5, 0.4],
  a: [0.4, 0, 0.3, 0.3],
  b: [0.9, 0, 0.05, 0.05],
};
const rowOf = (prefix: string) => Float64Array.from(TABLE[prefix] ?? [1, 0, 0, 0], Math.log);

function tableDecoder(sentences = 1): StepDecoder & { calls: number } {
  let prefixes: string[] = Array.from({ length: sentences }, () => '');
  let first = true;
  return {
    vocabSize: 4,
    calls: 0,
    step(parents, tokens) {
      this.calls++;
      prefixes = parents.map((p, i) => (first ? '' : prefixes[p]! + LETTERS[tokens[i]!]!));
      if (first) expect(tokens.every((t) => t === BOS)).toBe(true);
      first = false;
      return prefixes.map(rowOf);
    },
  };
}

describe('translation decoding', () => {
  it('beam search finds the better translation that greedy misses (hand-verified)', () => {
    // greedy: a (0.5), then EOS (0.4): p = 0.20.  beam 2 keeps a and b; b then EOS has 0.4 · 0.9 = 0.36.
    const [greedy] = greedyDecode(tableDecoder(), 1, { bos: BOS, eos: EOS, maxLength: 5 });
    expect(greedy!.ids).toEqual([2, EOS]);
    expect(greedy!.logProb).toBeCloseTo(Math.log(0.2), 12);
    const beam = beamDecode(tableDecoder(), { bos: BOS, eos: EOS, maxLength: 5, beamWidth: 2 });
    expect(beam.map((h) => h.ids)).toEqual([
      [3, EOS],
      [2, EOS],
    ]);
    expect(beam[0]!.logProb).toBeCloseTo(Math.log(0.36), 12);
    expect(beam[0]!.score).toBeCloseTo(Math.log(0.36) / 2, 12); // lengthPenalty 1: mean log-probability
    expect(beam.every((h) => h.finished)).toBe(true);
    // beam width 1 is greedy
    expect(beamDecode(tableDecoder(), { bos: BOS, eos: EOS, maxLength: 5, beamWidth: 1 })[0]!.ids).toEqual(greedy!.ids);
  });

  it('greedy decodes a batch row by row, stopping each sentence at EOS or maxLength', () => {
    const hyps = greedyDecode(tableDecoder(3), 3, { bos: BOS, eos: EOS, maxLength: 1 });
    expect(hyps.map((h) => [h.ids, h.finished])).toEqual([
      [[2], false],
      [[2], false],
      [[2], false],
    ]);
    const d = tableDecoder(2);
    expect(greedyDecode(d, 2, { bos: BOS, eos: EOS, maxLength: 50 }).map((h) => h.ids)).toEqual([
      [2, EOS],
      [2, EOS],
    ]);
    expect(d.calls).toBe(2); // stops once every sentence has ended
  });

  it('rejects an invalid beam width, length or token id', () => {
    const o = { bos: BOS, eos: EOS, maxLength: 5 };
    expect(() => beamDecode(tableDecoder(), { ...o, beamWidth: 0 })).toThrow(/beamWidth: expected a positive integer, received 0/);
    expect(() => beamDecode(tableDecoder(), { ...o, beamWidth: 1.5 })).toThrow(/beamWidth: expected a positive integer, received 1\.5/);
    expect(() => greedyDecode(tableDecoder(), 1, { ...o, maxLength: 0 })).toThrow(/maxLength: expected a positive integer, received 0/);
    expect(() => greedyDecode(tableDecoder(), 1, { ...o, eos: 4 })).toThrow(/eos: expected a token id in \[0, 3\], received 4/);
  });
});
