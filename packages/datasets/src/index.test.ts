import { describe, expect, it } from 'vitest';
import { loadFsddMfcc, loadTinyShakespeare } from './index.js';

describe('datasets', () => {
  it('loads Tiny Shakespeare whole', () => {
    const text = loadTinyShakespeare();
    expect(text.length).toBe(1_115_394);
    expect(new Set(text).size).toBe(65);
    expect(text.startsWith('First Citizen:')).toBe(true);
  });

  it('loads the FSDD MFCC features: 3,000 recordings, 300 per digit, 53,999 frames', () => {
    const r = loadFsddMfcc();
    expect(r).toHaveLength(3000);
    expect(r.reduce((n, x) => n + x.frames, 0)).toBe(53_999);
    for (let d = 0; d < 10; d++) expect(r.filter((x) => x.digit === d)).toHaveLength(300);
    expect(r.every((x) => x.features.length === x.frames * 13 && x.features.every(Number.isFinite))).toBe(true);
  });
});
