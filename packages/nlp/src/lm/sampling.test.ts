import { InvalidArgumentError, NonFiniteError, Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { argmax, createSampler, logSoftmax, sampleIndex, samplingDistribution, softmax } from './sampling.js';

const logits = Float64Array.from([2.0, 0.5, 1.2, -1.0, 0.9, 1.6, -0.3, 0.1]);
const draws = (options: Parameters<typeof createSampler>[0], n: number, seed = 1): number[] => {
  const sampler = createSampler(options);
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => sampler(logits, rng));
};
const counts = (ids: number[], size: number): number[] => {
  const c = new Array<number>(size).fill(0);
  for (const i of ids) c[i]!++;
  return c;
};

describe('softmax helpers', () => {
  it('match hand values', () => {
    const p = softmax([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
    expect(softmax([0, Math.log(3)], 0.5)[1]).toBeCloseTo(0.9, 15); // 9 / (1 + 9)
    expect(logSoftmax([1000, 1000])[0]).toBeCloseTo(Math.log(0.5), 12); // no overflow
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(sampleIndex([0, 1, 0], new Rng(3))).toBe(1);
  });
});

describe('samplers', () => {
  it('greedy takes the argmax; temperature → 0 gives the same tokens', () => {
    expect(new Set(draws({ greedy: true }, 50))).toEqual(new Set([0]));
    expect(draws({ temperature: 1e-3 }, 500)).toEqual(draws({ greedy: true }, 500));
    const rng = new Rng(9);
    const sampler = createSampler({ temperature: 0.01 });
    for (let k = 0; k < 50; k++) {
      const row = Array.from({ length: 10 }, () => rng.normal() * 3);
      expect(sampler(row, rng)).toBe(argmax(row));
    }
  });

  it('temperature 1 samples with the softmax frequencies', () => {
    const n = 40_000;
    const freq = counts(draws({}, n, 7), logits.length).map((c) => c / n);
    const p = softmax(logits);
    // 4 standard deviations of a binomial frequency at n = 40,000 is at most 0.01
    freq.forEach((f, i) => expect(Math.abs(f - p[i]!)).toBeLessThan(0.01));
    // temperature 2 flattens: the rarest token becomes more frequent than at temperature 1
    const hot = counts(draws({ temperature: 2 }, n, 7), logits.length).map((c) => c / n);
    expect(hot[3]!).toBeGreaterThan(freq[3]! * 2);
  });

  it('top-k never samples outside the k best, and keeps their relative frequencies', () => {
    const n = 20_000;
    const c = counts(draws({ topK: 3 }, n, 2), logits.length);
    // the three best logits are 2.0 (id 0), 1.6 (id 5), 1.2 (id 2)
    expect(c.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0)).toEqual([0, 2, 5]);
    const p = softmax([2.0, 1.6, 1.2]);
    expect(Math.abs(c[0]! / n - p[0]!)).toBeLessThan(0.015);
    expect(Math.abs(c[5]! / n - p[1]!)).toBeLessThan(0.015);
    expect(new Set(draws({ topK: 1 }, 200))).toEqual(new Set([0]));
  });

  it('top-p never samples outside the nucleus', () => {
    const p = softmax(logits);
    const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
    // the nucleus for 0.6: the fewest most likely tokens whose mass reaches 0.6
    const nucleus: number[] = [];
    let mass = 0;
    for (const i of order) {
      if (mass >= 0.6) break;
      nucleus.push(i);
      mass += p[i]!;
    }
    expect(nucleus.length).toBeGreaterThan(1);
    expect(nucleus.length).toBeLessThan(logits.length);
    const seen = new Set(draws({ topP: 0.6 }, 20_000, 4));
    expect([...seen].sort()).toEqual([...nucleus].sort());
    const dist = samplingDistribution(logits, { topP: 0.6 });
    nucleus.forEach((i) => expect(dist[i]).toBeCloseTo(p[i]! / mass, 12));
    expect(new Set(draws({ topP: 1e-9 }, 100))).toEqual(new Set([0])); // only the top token
  });

  it('hand example: probabilities 0.5, 0.3, 0.15, 0.05 with top-p, top-k and both', () => {
    const l = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    const round = (d: Float64Array): number[] => Array.from(d, (v) => +v.toFixed(12));
    expect(round(samplingDistribution(l, { topP: 0.8 }))).toEqual([0.625, 0.375, 0, 0]);
    const d = samplingDistribution(l, { topP: 0.81 });
    expect(round(d)).toEqual([0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0].map((v) => +v.toFixed(12)));
    // top-k 3 first (0.5, 0.3, 0.15 renormalised by 0.95), then the nucleus 0.9 of that: 0.526 + 0.316 = 0.842 < 0.9
    const both = samplingDistribution(l, { topK: 3, topP: 0.9 });
    expect(both[2]).toBeGreaterThan(0);
    expect(both[3]).toBe(0);
    const both2 = samplingDistribution(l, { topK: 3, topP: 0.8 }); // 0.842 >= 0.8: two tokens
    expect(round(both2)).toEqual([0.625, 0.375, 0, 0]);
  });

  it('rejects invalid sampling parameters with typed errors', () => {
    expect(() => createSampler({ temperature: 0 })).toThrow(
      'sampling.temperature: expected a finite number > 0 (greedy: true for temperature 0), received 0',
    );
    expect(() => createSampler({ temperature: -1 })).toThrow(InvalidArgumentError);
    expect(() => createSampler({ temperature: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => createSampler({ topK: 0 })).toThrow('sampling.topK: expected a positive integer, received 0');
    expect(() => createSampler({ topK: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => createSampler({ topP: 0 })).toThrow('sampling.topP: expected a number in (0, 1], received 0');
    expect(() => createSampler({ topP: 1.2 })).toThrow('sampling.topP: expected a number in (0, 1], received 1.2');
    expect(() => createSampler({ greedy: true, temperature: 0.5 })).toThrow(
      'sampling.temperature: expected nothing with greedy: true, received 0.5',
    );
    expect(() => createSampler({})([], new Rng(1))).toThrow(/logits: expected at least one value/);
    expect(() => createSampler({})([0, Number.NaN], new Rng(1))).toThrow(NonFiniteError);
  });
});
