import { describe, expect, it } from 'vitest';
import { runNerExample } from '../examples/ner.js';
import { runTranslateExample } from '../examples/translate.js';

// The examples on tiny sizes (the full runs and their results are in README.tagging-translation.md).
describe('examples (smoke runs)', () => {
  it('example:ner trains, scores the test split against both baselines and tags a sentence', async () => {
    const lines: string[] = [];
    const r = await runNerExample({ epochs: 1, limit: 80, hiddenSize: 8, log: (l) => lines.push(l) });
    expect(r.allOF1).toBe(0);
    expect(r.mostFrequentF1).toBeGreaterThanOrEqual(0);
    expect(r.taggerF1).toBeGreaterThanOrEqual(0);
    expect(r.parameters).toBeGreaterThan(0);
    const out = lines.join('\n');
    expect(out).toMatch(/processed \d+ tokens with \d+ phrases/);
    expect(out).toMatch(/baseline: most frequent tag per word entity F1/);
    expect(out).toMatch(/^example: /m);
  });

  it('example:translate trains, and reports greedy and beam BLEU next to copying the source', async () => {
    const lines: string[] = [];
    const r = await runTranslateExample({
      epochs: 1,
      limit: 300,
      hiddenSize: 16,
      beamWidth: 2,
      merges: 40,
      lr: 0.005,
      log: (l) => lines.push(l),
    });
    for (const v of [r.copyBleu, r.greedyBleu, r.beamBleu]) expect(v).toBeGreaterThanOrEqual(0);
    expect(lines.join('\n')).toMatch(/translator, beam 2 \(length penalty 1\)\s+BLEU \d+\.\d\d/);
  });
});
