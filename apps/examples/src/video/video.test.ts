import { describe, expect, it } from 'vitest';
import { ACTIONS, FEATURES, frameFeatures, generateClips, pgm } from './clips.js';
import { trainVideo } from './train.js';

describe('video clips', () => {
  it('are seeded, balanced and move as labelled', () => {
    const a = generateClips(60, 3, { frames: 8, size: 16 });
    expect(generateClips(60, 3, { frames: 8, size: 16 })).toEqual(a);
    expect(ACTIONS.map((_, k) => a.filter((c) => c.action === k).length)).toEqual([10, 10, 10, 10, 10, 10]);
    for (const c of a) {
      const f = frameFeatures(c, 16, 8);
      const [x0, y0, m0] = [f[16]!, f[17]!, f[18]!];
      const [x1, y1, m1] = [f[7 * FEATURES + 16]!, f[7 * FEATURES + 17]!, f[7 * FEATURES + 18]!];
      if (c.action === 0) expect(x1).toBeLessThan(x0);
      if (c.action === 1) expect(x1).toBeGreaterThan(x0);
      if (c.action === 2) expect(y1).toBeLessThan(y0);
      if (c.action === 3) expect(y1).toBeGreaterThan(y0);
      if (c.action === 4) expect(m1).toBeGreaterThan(m0);
      if (c.action === 5) expect(m1).toBeLessThan(m0);
    }
    const image = pgm(a[0]!, 0, 16);
    expect(new TextDecoder().decode(image.subarray(0, 13))).toBe('P5\n16 16\n255\n');
    expect(image.length).toBe(13 + 256);
  });

  it('smoke: the example trains on tiny sizes and beats chance', async () => {
    const r = await trainVideo({ trainClips: 120, testClips: 60, epochs: 6, frames: 8, size: 16, hiddenSize: 16 });
    expect(r.lstmAccuracy).toBeGreaterThan(r.chance);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(60);
  });
});
