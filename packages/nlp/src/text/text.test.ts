import { CorruptModelError, InvalidArgumentError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer, CharTokenizer, padBatch, tokenizerFromJSON, Vocabulary, WordTokenizer } from './index.js';

describe('Vocabulary', () => {
  it('puts specials first, then tokens by descending count, ties by first appearance', () => {
    const v = Vocabulary.build(['b', 'a', 'c', 'a', 'c', 'd', 'a']);
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<s>', '</s>', 'a', 'c', 'b', 'd']);
    expect([v.padId, v.unkId, v.bosId, v.eosId, v.size]).toEqual([0, 1, 2, 3, 8]);
    expect(Array.from(v.encode(['a', 'd', 'zzz']))).toEqual([4, 7, 1]);
    expect(v.decode([5, 6])).toEqual(['c', 'b']);
    expect(v.has('a')).toBe(true);
    expect(v.has('zzz')).toBe(false);
  });

  it('applies minCount and maxSize (specials included), and disables specials with null', () => {
    const v = Vocabulary.build(['x', 'y', 'y', 'z', 'z', 'z'], { minCount: 2, specials: { bos: null, eos: null } });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'z', 'y']);
    expect([v.bosId, v.eosId]).toEqual([null, null]);
    const small = Vocabulary.build(['x', 'y', 'y', 'z', 'z', 'z'], { maxSize: 5 });
    expect(small.tokens).toEqual(['<pad>', '<unk>', '<s>', '</s>', 'z']);
    const custom = Vocabulary.build(['a', '[UNK]'], { specials: { pad: '[PAD]', unk: '[UNK]' } });
    expect(custom.tokens).toEqual(['[PAD]', '[UNK]', '<s>', '</s>', 'a']);
  });

  it('rejects unknown tokens without an unk token, bad ids and bad options with typed errors', () => {
    const v = Vocabulary.build(['a'], { specials: { unk: null } });
    expect(() => v.id('b')).toThrow(InvalidArgumentError);
    expect(() => v.id('b')).toThrow('token: expected a token in the vocabulary (it has no unknown token), received "b"');
    expect(() => v.token(4)).toThrow('id: expected an id below the vocabulary size 4, received 4');
    expect(() => v.token(-1)).toThrow(InvalidArgumentError);
    expect(() => Vocabulary.build([])).toThrow('tokens: expected a non-empty corpus, received "no tokens"');
    expect(() => Vocabulary.build(['a'], { minCount: 2 })).toThrow(/tokens: expected at least one token seen 2 time/);
    expect(() => Vocabulary.build(['a'], { maxSize: 4 })).toThrow('options.maxSize: expected more than the 4 special tokens, received 4');
    expect(() => Vocabulary.build(['a'], { specials: { pad: null } })).toThrow(/specials.pad: expected a string/);
    expect(() => Vocabulary.build(['a'], { specials: { unk: '<s>' } })).toThrow(/specials: expected distinct special tokens/);
    expect(() => Vocabulary.fromTokens(['a', 'a'])).toThrow(/distinct tokens/);
  });

  it('round-trips through JSON and rejects corrupt JSON', () => {
    const v = Vocabulary.build(['a', 'b', 'b'], { specials: { bos: null } });
    const again = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(again.tokens).toEqual(v.tokens);
    expect([again.padId, again.unkId, again.bosId, again.eosId]).toEqual([0, 1, null, 2]);
    expect(() => Vocabulary.fromJSON(null)).toThrow(CorruptModelError);
    expect(() => Vocabulary.fromJSON({ ...v.toJSON(), version: 2 })).toThrow('vocabulary.version: expected 1, received 2');
    expect(() => Vocabulary.fromJSON({ ...v.toJSON(), tokens: ['<pad>', 'b', 'b'] })).toThrow(CorruptModelError);
    const swapped = v.toJSON();
    swapped.tokens = ['<unk>', '<pad>', '</s>', 'b', 'a'];
    expect(() => Vocabulary.fromJSON(swapped)).toThrow('vocabulary.specials.pad: expected the token at id 0, received "<pad>"');
  });
});

describe('padBatch', () => {
  it('end-pads to the longest sequence and reports lengths', () => {
    const b = padBatch([[5, 6, 7], [8], Int32Array.from([9, 10])], 0);
    expect(b.shape).toEqual([3, 3]);
    expect(Array.from(b.data)).toEqual([5, 6, 7, 8, 0, 0, 9, 10, 0]);
    expect(Array.from(b.lengths)).toEqual([3, 1, 2]);
    expect(Array.from(padBatch([[1]], 3, { maxLength: 1 }).data)).toEqual([1]);
  });

  it('never truncates and rejects empty input', () => {
    expect(() => padBatch([[1, 2, 3]], 0, { maxLength: 2 })).toThrow('sequences[0].length: expected at most maxLength = 2, received 3');
    expect(() => padBatch([], 0)).toThrow(/sequences: expected at least one sequence/);
    expect(() => padBatch([[1], []], 0)).toThrow('sequences[1]: expected a non-empty sequence, received "length 0"');
    expect(() => padBatch([[1.5]], 0)).toThrow(/sequences\[0\]\[0\]: expected a non-negative integer id/);
    expect(() => padBatch([[1]], -1)).toThrow(/padId/);
  });
});

describe('CharTokenizer', () => {
  it('round-trips text of known characters, including astral code points', () => {
    const tok = CharTokenizer.train(['hello world', 'ok 👍']);
    const text = 'hello 👍 world';
    expect(tok.tokenize(text)).toContain('👍');
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.vocabulary.tokens.slice(4, 7)).toEqual(['l', 'o', ' ']); // by count: l x3, o x3, ' ' x2 ... first appearance breaks ties
  });

  it('maps unseen characters to <unk>, adds bos/eos on request and drops them when decoding', () => {
    const tok = CharTokenizer.train('abc');
    const ids = tok.encode('abz', { addBos: true, addEos: true });
    expect(Array.from(ids)).toEqual([2, tok.vocabulary.id('a'), tok.vocabulary.id('b'), 1, 3]);
    expect(tok.decode(ids)).toBe('ab<unk>');
    expect(tok.decode(ids, { keepSpecials: true })).toBe('<s>ab<unk></s>');
    const noUnk = CharTokenizer.train('abc', { specials: { unk: null, bos: null } });
    expect(() => noUnk.encode('z')).toThrow('token: expected a token in the vocabulary (it has no unknown token), received "z"');
    expect(() => noUnk.encode('a', { addBos: true })).toThrow('options.addBos: expected a vocabulary with a bos token, received false');
  });

  it('serialises with its normalisation and rejects empty corpora', () => {
    const tok = CharTokenizer.train('ABC abc', { lowercase: true });
    const again = tokenizerFromJSON(JSON.stringify(tok));
    expect(again).toBeInstanceOf(CharTokenizer);
    expect(again.decode(again.encode('CAB'))).toBe('cab');
    expect(() => CharTokenizer.train('')).toThrow('corpus: expected non-empty text, received "an empty corpus"');
    expect(() => CharTokenizer.train([])).toThrow(InvalidArgumentError);
    expect(() => CharTokenizer.train('a', { unicode: 'NFD' as 'NFC' })).toThrow(/options.unicode: expected one of "NFKC", "NFC", "none"/);
    expect(() => tokenizerFromJSON('{')).toThrow(CorruptModelError);
    expect(() => tokenizerFromJSON({ ...tok.toJSON(), kind: 'subword' })).toThrow(/tokenizer.kind/);
  });
});

describe('WordTokenizer', () => {
  it('normalises (NFKC, lower case), splits punctuation and keeps inner apostrophes', () => {
    const tok = WordTokenizer.train(['The ﬁlm wasn’t good.', 'I didn\'t like (it), "really".']);
    expect(tok.tokenize('The ﬁlm WASN’T good!')).toEqual(['the', 'film', 'wasn’t', 'good', '!']);
    expect(tok.tokenize('ＡＢＣ (x)')).toEqual(['abc', '(', 'x', ')']);
    expect(tok.decode(tok.encode("The film, I didn't like (it)."))).toBe("the film, i didn't like (it).");
  });

  it('maps out-of-vocabulary words to <unk> (unseen or below minCount)', () => {
    const tok = WordTokenizer.train('a a b b c', { minCount: 2 });
    expect(tok.vocabulary.tokens.slice(4)).toEqual(['a', 'b']);
    expect(tok.decode(tok.encode('a c zebra b'))).toBe('a <unk> <unk> b');
    const cased = WordTokenizer.train('Apple apple', { lowercase: false });
    expect(cased.vocabulary.has('Apple')).toBe(true);
    expect(() => WordTokenizer.train('  \n ')).toThrow(InvalidArgumentError);
  });

  it('encodes batches with padding and serialises', () => {
    const tok = WordTokenizer.train('good bad movie');
    const batch = tok.encodeBatch(['good movie', 'bad'], { addEos: true });
    expect(batch.shape).toEqual([2, 3]);
    expect(Array.from(batch.lengths)).toEqual([3, 2]);
    const v = tok.vocabulary;
    expect(Array.from(batch.data)).toEqual([v.id('good'), v.id('movie'), v.eosId, v.id('bad'), v.eosId, v.padId]);
    expect(() => tok.encodeBatch(['good bad movie'], { maxLength: 2 })).toThrow(/at most maxLength = 2, received 3/);
    const again = WordTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    expect(again.normalization).toEqual({ lowercase: true, unicode: 'NFKC' });
    expect(Array.from(again.encode('bad movie'))).toEqual(Array.from(tok.encode('bad movie')));
    expect(() => WordTokenizer.fromJSON(CharTokenizer.train('a').toJSON())).toThrow('tokenizer.kind: expected "word", received "char"');
  });
});

describe('BpeTokenizer', () => {
  it('learns merges on a hand example (ties to the earlier-created pair)', () => {
    // pairs of "aaabdaaabac": aa x4 → merge a+a; then (aa,a) and (a,b) tie at 2, (a,b) has the older symbols;
    // then aa+ab x2; then every pair occurs once, below minPairCount = 2.
    const tok = BpeTokenizer.train('aaabdaaabac', { merges: 10 });
    expect(tok.merges).toEqual([
      ['a', 'a'],
      ['a', 'b'],
      ['aa', 'ab'],
    ]);
    expect(tok.vocabulary.tokens.slice(4)).toEqual(['a', 'b', 'd', 'c', 'aa', 'ab', 'aaab']);
    expect(tok.tokenize('aaabdaaabac')).toEqual(['aaab', 'd', 'aaab', 'a', 'c']);
    expect(tok.tokenize('aaaab')).toEqual(['aa', 'aa', 'b']);
    expect(BpeTokenizer.train('aaabdaaabac', { merges: 1 }).tokenize('aaab')).toEqual(['aa', 'a', 'b']);
  });

  it('keeps merges inside chunks (a leading space joins the word) and decodes losslessly', () => {
    const corpus = 'the cat and the hat and the bat.\nthe end\n';
    const tok = BpeTokenizer.train(corpus, { merges: 30 });
    expect(tok.tokenize(' the')).toEqual([' the']);
    expect(tok.tokenize('the.')).toEqual(['the', '.']);
    expect(tok.decode(tok.encode(corpus))).toBe(corpus);
    // merges: t+h, th+e, a+t, n+d, ' '+a, ' '+the, ' a'+nd; pairs seen once (' '+c, ' '+h, ...) stay apart
    expect(tok.tokenize(corpus).join('|')).toBe('the| |c|at| and| the| |h|at| and| the| |b|at|.|\n|the| |e|nd|\n');
    expect(tok.decode(tok.encode('the ZZ'))).toBe('the <unk><unk>');
  });

  it('serialises its merges and validates them', () => {
    const tok = BpeTokenizer.train('low lower lowest newer newest', { merges: 8, lowercase: true });
    const again = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
    expect(again).toBeInstanceOf(BpeTokenizer);
    expect(again.tokenize('LOWEST newer')).toEqual(tok.tokenize('lowest newer'));
    const bad = tok.toJSON();
    bad.merges = [['l', 'zz']];
    expect(() => BpeTokenizer.fromJSON(bad)).toThrow(/tokenizer.merges\[0\]: expected a pair of vocabulary tokens/);
    expect(() => BpeTokenizer.train('', { merges: 2 })).toThrow(/corpus: expected non-empty text/);
    expect(() => BpeTokenizer.train('ab', { merges: -1 })).toThrow('options.merges: expected a non-negative integer, received -1');
    expect(() => BpeTokenizer.train('ab', { merges: 1, minPairCount: 0 })).toThrow(/options.minPairCount/);
  });
});
