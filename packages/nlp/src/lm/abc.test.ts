import { loadAbcTunes } from '@rnn/datasets';
import { describe, expect, it } from 'vitest';
import { abcTrainingText, checkAbcTune, defaultUnitNoteLength } from './abc.js';

const TUNE = `X:1
T:Test Reel
M:C
L:1/8
R:reel
K:D
|:AFdA BdAF|"G"DFAF (3EFE E2|[DF]FAd {g}BGBd|1 cdAc d2 z2:|2 cdAc d4|]
`;

describe('ABC notation', () => {
  it('accepts a well-formed tune and counts its bars and notes', () => {
    const c = checkAbcTune(TUNE);
    expect(c.errors).toEqual([]);
    expect(c.valid).toBe(true);
    expect(c.headers).toEqual({ X: '1', T: 'Test Reel', M: 'C', L: '1/8', R: 'reel', K: 'D' });
    expect(c.notes).toBe(36);
    expect(c.bars).toBe(6); // |: | | |1 :| |]
  });

  it('reports missing or invalid headers and malformed bodies', () => {
    const errors = (text: string): string[] => checkAbcTune(text).errors;
    expect(errors(TUNE.replace('X:1\n', ''))).toContain('line 1: expected "X:<number>" first');
    expect(errors(TUNE.replace('L:1/8\n', ''))).toEqual(['header: missing L:']);
    expect(errors(TUNE.replace('M:C', 'M:fast'))).toEqual(['header: invalid M:fast']);
    expect(errors(TUNE.replace('K:D', 'K:H'))).toEqual(['header: invalid K:H']);
    expect(errors(TUNE.replace('L:1/8', 'L:1/3'))).toEqual(['header: invalid L:1/3']);
    expect(errors(TUNE.replace('[DF]', '[DF'))).toEqual(['line 7: unbalanced [ ] (chord)']);
    expect(errors(TUNE.replace('"G"', '"G'))).toContain('line 7: unbalanced " (chord symbol or annotation)');
    expect(errors(TUNE.replace('{g}', '{g'))).toEqual(['line 7: unbalanced { } (grace notes)']);
    expect(errors(TUNE.replace('AFdA', '(AFdA'))).toEqual(['body: 1 unclosed slur(s)']);
    expect(errors(TUNE.replace('AFdA', 'AF#A'))).toEqual(['line 7: unexpected characters "#"']);
    expect(errors('X:1\nT:t\nM:C\nL:1/8\nK:G\n')).toEqual(['body: no notes', 'body: no bar lines']);
    expect(errors('X:1\nT:t\nGABc|\n')).toContain('line 3: expected a header field before the K: line, found "GABc|"');
  });

  it('builds the training form: R, M, explicit L and K headers, music lines only', () => {
    const text = abcTrainingText({
      meter: '2/4',
      unitNoteLength: null,
      key: 'G % source key D',
      rhythm: 'Polka % A-B-A',
      body: '"5"GA Bc|d2 B2:|X:12\nI prefer Am, as in another source.\nP:B\n% a comment\nK:Em\nef ge|d2 B2|]',
    });
    expect(text).toBe('R:polka\nM:2/4\nL:1/16\nK:G\nGA Bc|d2 B2:|\nK:Em\nef ge|d2 B2|]\n\n');
    expect(checkAbcTune(`X:1\nT:t\n${text}`).valid).toBe(true);
    expect(['C', 'C|', '6/8', '3/4', '2/4', '3+2/8', 'none'].map(defaultUnitNoteLength)).toEqual([
      '1/8',
      '1/8',
      '1/8',
      '1/8',
      '1/16',
      '1/16',
      '1/8',
    ]);
  });

  it('loads the 1,180 tunes; nearly all of their training forms pass the check', () => {
    const tunes = loadAbcTunes();
    expect(tunes).toHaveLength(1180);
    expect(tunes[0]!).toMatchObject({ id: 19, meter: 'C', key: 'D', rhythm: 'reel', unitNoteLength: null });
    expect(tunes[0]!.title).toBe('Bonnie Kate (original version) (reel)');
    expect(tunes[0]!.body.split('\n')).toHaveLength(4);
    expect(tunes.filter((t) => t.rhythm?.startsWith('reel'))).toHaveLength(623);
    const invalid = tunes.filter((t) => !checkAbcTune(`X:${t.id}\nT:${t.title}\n${abcTrainingText(t)}`).valid);
    expect(invalid.length).toBeLessThanOrEqual(3); // source quirks such as a stray "s" or "*"
  });
});
