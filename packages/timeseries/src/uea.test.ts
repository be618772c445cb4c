import { InvalidArgumentError, ShapeError, UnsupportedError } from '@rnn/core';
import { loadJapaneseVowels } from '@rnn/datasets';
import { describe, expect, it } from 'vitest';
import { parseUea } from './uea.js';

const tiny = `# a comment
@problemName Tiny
@timeStamps false
@univariate false
@dimensions 2
@equalLength false
@classLabel true a b
@data
1,2,3:4,5,6:b
0.5,-1e-2:7,8:a
`;

describe('parseUea', () => {
  it('reads dimensions, variable lengths and labels into time-major sequences', () => {
    const d = parseUea(tiny);
    expect(d.problemName).toBe('Tiny');
    expect(d.dimensions).toBe(2);
    expect(d.classNames).toEqual(['a', 'b']);
    expect(Array.from(d.labels)).toEqual([1, 0]);
    expect(d.sequences.map((s) => s.length)).toEqual([3, 2]);
    expect(Array.from(d.sequences[0]!.values)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(d.sequences[1]!.values)).toEqual([0.5, 7, -0.01, 8]);
    expect(parseUea(tiny.replace('@dimensions 2\n', '').replace(/\n/g, '\r\n')).dimensions).toBe(2);
  });

  it('names the line of every problem', () => {
    expect(() => parseUea(tiny.replace('4,5,6:b', '4,5:b'))).toThrow(ShapeError);
    expect(() => parseUea(tiny.replace('4,5,6:b', '4,5:b'))).toThrow(
      'UEA line 9 (dimension 2): expected 3 values (as dimension 1), received 2 values',
    );
    expect(() => parseUea(tiny.replace('7,8:a', '7,8:c'))).toThrow(
      'UEA line 10 (label): expected one of the @classLabel labels a b, received "c"',
    );
    expect(() => parseUea(tiny.replace('1,2,3:', ''))).toThrow('UEA line 9: expected 2 dimensions, received 1 dimensions');
    expect(() => parseUea(tiny.replace('0.5,', 'x,'))).toThrow('UEA line 10 (dimension 1): expected a number, received "x"');
    expect(() => parseUea(tiny.replace('0.5,', '?,'))).toThrow(UnsupportedError);
    expect(() => parseUea(tiny.replace('@timeStamps false', '@timeStamps true'))).toThrow(UnsupportedError);
    expect(() => parseUea(tiny.replace('@classLabel true a b', '@classLabel false'))).toThrow(UnsupportedError);
    expect(() => parseUea(tiny.replace('@data\n', ''))).toThrow(InvalidArgumentError);
    expect(() => parseUea(tiny.replace('@dimensions 2', '@dimensions two'))).toThrow(
      '@dimensions: expected a positive integer, received "two"',
    );
    expect(() => parseUea(tiny.replace('# a comment', 'hello'))).toThrow(
      'UEA line 1: expected a "#" comment or an "@" tag before @data, received "hello"',
    );
  });

  it('parses Japanese Vowels: 270 train / 370 test, 12 channels, lengths 7-29, 9 speakers', () => {
    const { train, test } = loadJapaneseVowels();
    const a = parseUea(train);
    const b = parseUea(test);
    expect([a.sequences.length, b.sequences.length]).toEqual([270, 370]);
    expect([a.dimensions, b.dimensions]).toEqual([12, 12]);
    expect(a.classNames).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const lengths = [...a.sequences, ...b.sequences].map((s) => s.length);
    expect([Math.min(...lengths), Math.max(...lengths)]).toEqual([7, 29]);
    for (let k = 0; k < 9; k++) expect(a.labels.filter((l) => l === k)).toHaveLength(30);
    expect(a.sequences[0]!.values[0]).toBe(1.860936);
    expect(a.sequences[0]!.values[1]).toBe(-0.207383); // time-major: step 0 of dimension 2
  });
});
