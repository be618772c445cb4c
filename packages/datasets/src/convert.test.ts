import { describe, expect, it } from 'vitest';
import { sunspotsCsv } from './convert.js';

describe('sunspotsCsv', () => {
  it('converts the wide year x month table to month rows, skipping titles, rules and notes', () => {
    expect(sunspotsCsv('  TITLE\nYear Jan Feb\n----\n1749   58.0   62.6\n1750 73.3\n\nnote\n')).toBe(
      'month,sunspots\n1749-01,58.0\n1749-02,62.6\n1750-01,73.3\n',
    );
  });
});
