import { describe, expect, it } from 'vitest';
import { loadTinyShakespeare } from './index.js';

describe('datasets', () => {
  it('loads Tiny Shakespeare whole', () => {
    const text = loadTinyShakespeare();
    expect(text.length).toBe(1_115_394);
    expect(new Set(text).size).toBe(65);
    expect(text.startsWith('First Citizen:')).toBe(true);
  });
});
