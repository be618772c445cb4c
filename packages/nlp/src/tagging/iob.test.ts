import { loadUnerEnglishEwt } from '@rnn/datasets';
import { describe, expect, it } from 'vitest';
import { entitySpans, readConll, spansToTags, toIob2, writeConll } from './iob.js';

describe('readConll', () => {
  it('reads CoNLL-2003 style space-separated columns, skipping -DOCSTART- and extra blank lines', () => {
    const text =
      '-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER';
    expect(readConll(text)).toEqual([
      { tokens: ['EU', 'rejects', 'German'], tags: ['B-ORG', 'O', 'B-MISC'] },
      { tokens: ['Peter', 'Blackburn'], tags: ['B-PER', 'I-PER'] },
    ]);
  });

  it('reads UNER-style tab columns with comments and sentence ids, CRLF line ends, whitespace-only separators', () => {
    const text =
      '# newdoc id = d1\r\n# sent_id = s-1\r\n# text = Tampa Bay\r\n1\tTampa\tB-LOC\t-\tstephen\r\n2\tBay\tI-LOC\t-\tstephen\r\n \t \r\n' +
      '# sent_id = s-2\n1\thi\tO\t-\t-\n';
    expect(readConll(text, { tokenColumn: 1, tagColumn: 2 })).toEqual([
      { tokens: ['Tampa', 'Bay'], tags: ['B-LOC', 'I-LOC'], id: 's-1' },
      { tokens: ['hi'], tags: ['O'], id: 's-2' },
    ]);
    // negative columns count from the end
    expect(readConll('1\tx\tB-PER\tz\n', { tokenColumn: -3, tagColumn: -2 })[0]).toEqual({ tokens: ['x'], tags: ['B-PER'] });
    expect(readConll('')).toEqual([]);
    expect(readConll('\n\n# only a comment\n')).toEqual([]);
  });

  it('keeps an I- without B- unless strict, and can repair it to IOB2', () => {
    const text = 'a O\nb I-PER\nc I-PER\nd I-LOC\n';
    expect(readConll(text)[0]!.tags).toEqual(['O', 'I-PER', 'I-PER', 'I-LOC']);
    expect(() => readConll(text, { strict: true })).toThrow(
      /line 2: tag: expected B-PER or I-PER continuing a PER entity \(strict IOB2\), received "I-PER"/,
    );
    expect(toIob2(['O', 'I-PER', 'I-PER', 'I-LOC'])).toEqual(['O', 'B-PER', 'I-PER', 'B-LOC']);
  });

  it('names the line of a bad tag, a column count change or a missing column', () => {
    expect(() => readConll('a O\nb PER\n')).toThrow(/line 2: tag: expected an IOB tag: "O", "B-TYPE" or "I-TYPE", received "PER"/);
    expect(() => readConll('a x O\nb O\n')).toThrow(/line 2: expected 3 columns like the first token line, received 2 columns/);
    expect(() => readConll('a O\n', { tagColumn: 5 })).toThrow(
      /options\.tagColumn: expected a column index within the 2 columns, received 5/,
    );
    expect(() => readConll(42 as never)).toThrow(/text: expected a string, received 42/);
  });

  it('reads the Universal NER English-EWT splits: 2,001 + 2,077 sentences, valid strict IOB2', () => {
    const dev = readConll(loadUnerEnglishEwt('dev'), { tokenColumn: 1, tagColumn: 2, strict: true });
    const test = readConll(loadUnerEnglishEwt('test'), { tokenColumn: 1, tagColumn: 2, strict: true });
    expect(dev).toHaveLength(2001);
    expect(test).toHaveLength(2077);
    expect(dev.reduce((n, s) => n + s.tokens.length, 0)).toBe(25_149);
    expect(test.reduce((n, s) => n + s.tokens.length, 0)).toBe(25_097);
    expect(dev.every((s) => s.id !== undefined && s.tokens.length === s.tags.length)).toBe(true);
    const tags = new Set([...dev, ...test].flatMap((s) => s.tags));
    expect([...tags].sort()).toEqual(['B-LOC', 'B-ORG', 'B-PER', 'I-LOC', 'I-ORG', 'I-PER', 'O']);
    const entities = [...dev, ...test].reduce((n, s) => n + entitySpans(s.tags).length, 0);
    expect(entities).toBe(716 + 546 + 792); // the B- tags of both files
    expect(dev[0]!.tokens.slice(6, 8)).toEqual(['tampa', 'bay']);
    expect(entitySpans(dev[0]!.tags)).toEqual([{ type: 'LOC', start: 6, end: 8 }]);
  });
});

describe('writeConll', () => {
  const sentences = [
    { tokens: ['Peter', 'lives', 'in', 'New', 'York'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'I-LOC'] },
    { tokens: ['ok'], tags: ['O'] },
  ];

  it('writes token and tag columns (plus predictions for conlleval) and reads back the same', () => {
    const text = writeConll(sentences, { predicted: [['B-PER', 'O', 'O', 'B-LOC', 'O'], ['O']] });
    expect(text).toBe('Peter B-PER B-PER\nlives O O\nin O O\nNew B-LOC B-LOC\nYork I-LOC O\n\nok O O\n\n');
    expect(readConll(writeConll(sentences, { delimiter: '\t' }))).toEqual(sentences);
  });

  it('rejects what would not read back: empty sentences, whitespace in tokens, bad or missing tags', () => {
    expect(() => writeConll([{ tokens: [], tags: [] }])).toThrow(
      /sentences\[0\]\.tokens: expected at least one token, received "an empty sentence"/,
    );
    expect(() => writeConll([{ tokens: ['a b'], tags: ['O'] }])).toThrow(
      /sentences\[0\]\.tokens\[0\]: expected a non-empty token without whitespace/,
    );
    expect(() => writeConll([{ tokens: ['a'], tags: ['B-'] }])).toThrow(/sentences\[0\]\.tags\[0\]: expected an IOB tag/);
    expect(() => writeConll([{ tokens: ['a', 'b'], tags: ['O'] }])).toThrow(
      /sentences\[0\]\.tags: expected 2 tags \(one per token\), received 1/,
    );
    expect(() => writeConll(sentences, { predicted: [['O']] })).toThrow(/options\.predicted: expected 2 sentences, received 1/);
  });
});

describe('entity spans', () => {
  it('finds entities with conlleval boundaries and writes them back as IOB2', () => {
    const tags = ['B-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC', 'I-ORG', 'I-ORG'];
    const spans = entitySpans(tags);
    expect(spans).toEqual([
      { type: 'PER', start: 0, end: 2 },
      { type: 'LOC', start: 3, end: 4 },
      { type: 'LOC', start: 4, end: 5 },
      { type: 'ORG', start: 5, end: 7 },
    ]);
    expect(spansToTags(7, spans)).toEqual(['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'B-ORG', 'I-ORG']);
    expect(entitySpans([])).toEqual([]);
    expect(() => spansToTags(3, [{ type: 'X', start: 1, end: 4 }])).toThrow(/spans\[0\]: expected start < end within \[0, 3\]/);
    expect(() =>
      spansToTags(3, [
        { type: 'X', start: 0, end: 2 },
        { type: 'Y', start: 1, end: 3 },
      ]),
    ).toThrow(/spans\[1\]: expected spans that do not overlap, received "overlap at token 1"/);
  });
});
