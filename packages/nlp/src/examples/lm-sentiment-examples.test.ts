// Smoke tests: each example runs end to end on tiny sizes (the real runs and their results are in the README).
import { loadSentimentSentences } from '@rnn/datasets';
import { describe, expect, it } from 'vitest';
import { main as music } from './music.js';
import { main as sentiment } from './sentiment.js';
import { main as shakespeare } from './shakespeare.js';

const quiet = (): void => {};

describe('examples (tiny runs)', () => {
  it('shakespeare: trains, reports bits/char with baselines, samples, saves and reloads', async () => {
    const lines: string[] = [];
    const r = await shakespeare(['--steps', '3', '--chars', '20000', '--hidden', '16'], (l) => lines.push(l));
    expect(r.steps).toBe(3);
    expect(r.unigramBitsPerChar).toBeGreaterThan(r.bigramBitsPerChar);
    expect(r.validationBitsPerChar).toBeGreaterThan(0);
    expect(r.sample).toHaveLength(300);
    expect(lines.join('\n')).toMatch(/unigram \(add-one\)[\s\S]*LSTM[\s\S]*saved and reloaded/);
  });

  it('music: trains on ABC tunes and writes checked tunes', async () => {
    const r = await music(['--steps', '2', '--tunes', '40', '--hidden', '16', '--generate', '2'], quiet);
    expect(r.steps).toBe(2);
    expect(r.tunes).toHaveLength(2);
    for (const t of r.tunes) expect(t.text).toMatch(/^X:\d+\nT:Generated .+\nR:/);
    expect(r.validationBitsPerChar).toBeGreaterThan(0);
  });

  it('sentiment: trains, reports test accuracy and the majority baseline', async () => {
    const r = await sentiment(['--epochs', '1', '--sentences', '300', '--hidden', '8'], quiet);
    expect(r.test.samples).toBe(30);
    expect(r.majorityAccuracy).toBeGreaterThan(0);
    expect(r.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('loads the 3,000 sentiment sentences, 500 positive and 500 negative per source', () => {
    const s = loadSentimentSentences();
    expect(s).toHaveLength(3000);
    for (const source of ['amazon', 'imdb', 'yelp'] as const)
      for (const label of [0, 1]) expect(s.filter((x) => x.source === source && x.label === label)).toHaveLength(500);
    expect(s[0]).toEqual({
      text: 'So there is no way for me to plug it in here in the US unless I go by a converter.',
      label: 0,
      source: 'amazon',
    });
    expect(s.every((x) => x.text.length > 0 && x.text === x.text.trimEnd())).toBe(true);
  });
});
