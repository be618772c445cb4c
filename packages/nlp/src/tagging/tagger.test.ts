import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, InvalidArgumentError, Rng } from '@rnn/core';
import { gradCheck } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../bundle.js';
import { MostFrequentTagger } from './baseline.js';
import { conllEval } from './conlleval.js';
import { type TaggedSentence, toIob2 } from './iob.js';
import { EntityTagger, normalizeWord, wordChars } from './tagger.js';
import { wordCharEmbedding } from './word-char-embedding.js';

// Synthetic sentences from templates; names are random capitalised strings, so unseen names in the test set can
// only be found from their spelling (character features) and their context.
function corpus(n: number, seed: number): TaggedSentence[] {
  const rng = new Rng(seed);
  const name = () => {
    const letters = 'bcdfgklmnprstvz';
    const vowels = 'aeiou';
    let s = letters[rng.int(letters.length)]!.toUpperCase();
    for (let i = 0; i < 2 + rng.int(3); i++) s += vowels[rng.int(5)]! + letters[rng.int(letters.length)]!;
    return s;
  };
  const templates: [string, string][][] = [
    [
      ['PER', ''],
      ['lives', 'O'],
      ['in', 'O'],
      ['LOC', ''],
      ['.', 'O'],
    ],
    [
      ['PER', ''],
      ['works', 'O'],
      ['for', 'O'],
      ['ORG', ''],
      ['.', 'O'],
    ],
    [
      ['the', 'O'],
      ['ORG', ''],
      ['office', 'O'],
      ['in', 'O'],
      ['LOC', ''],
      ['is', 'O'],
      ['closed', 'O'],
      ['.', 'O'],
    ],
    [
      ['we', 'O'],
      ['met', 'O'],
      ['PER', ''],
      ['and', 'O'],
      ['PER', ''],
      ['yesterday', 'O'],
    ],
  ];
  return Array.from({ length: n }, () => {
    const s: TaggedSentence = { tokens: [], tags: [] };
    for (const [word, tag] of templates[rng.int(templates.length)]!) {
      if (tag === 'O') {
        s.tokens.push(word);
        s.tags.push('O');
        continue;
      }
      const parts =
        word === 'ORG' ? [name(), rng.next() < 0.5 ? 'Corp' : 'Inc'] : word === 'PER' && rng.next() < 0.5 ? [name(), name()] : [name()];
      parts.forEach((p, i) => {
        s.tokens.push(p);
        s.tags.push(`${i === 0 ? 'B' : 'I'}-${word}`);
      });
    }
    return s;
  });
}

const small = { wordSize: 12, charSize: 8, charHiddenSize: 8, hiddenSize: 16, dropout: 0.1, seed: 3 };

describe('wordCharEmbedding', () => {
  it('passes a float64 gradient check of the word, character and character-BiLSTM weights', () => {
    const b = jsBackend({ dtype: 'float64' });
    const def = wordCharEmbedding({ wordVocabSize: 6, wordSize: 3, charVocabSize: 7, charSize: 3, charHiddenSize: 2, maxWordChars: 4 });
    const layer = def.build(b, new Rng(5), 'features');
    // [B = 2, T = 3, 1 + 4]: word id then character ids; the last position of sentence 2 is padding
    const ids = [2, 3, 4, 0, 0, 5, 1, 2, 3, 4, 1, 6, 0, 0, 0, 3, 5, 5, 0, 0, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0];
    const x = b.tensor([2, 3, 5], ids);
    const rng = new Rng(9);
    // no loss on the padding position, as in the tagger (its word vector is the fixed zero padding row)
    const R = Array.from({ length: 2 * 3 * 7 }, (_, i) => (i >= 5 * 7 ? 0 : rng.uniform(-1, 1)));
    const Rt = b.tensor([2, 3, 7], R);
    const loss = (withGrad: boolean) => {
      const y = b.read(layer.forward(x, { training: withGrad }));
      if (withGrad) {
        for (const p of layer.params) b.fill(p.grad, 0);
        layer.backward(Rt, false);
      }
      return Array.from(y).reduce((s, v, i) => s + v * R[i]!, 0);
    };
    const y = b.read(layer.forward(x, { training: false }));
    expect(y.subarray(5 * 7, 6 * 7).every((v) => v === 0)).toBe(true); // padding position
    const result = gradCheck(
      b,
      layer.params.map((p) => ({ name: p.name, value: p.value, grad: () => p.grad })),
      loss,
    );
    expect(result.maxRelError).toBeLessThan(1e-4);
    expect(result.checked).toBe(layer.params.reduce((n, p) => n + p.value.size, 0));
    layer.dispose();
    b.release(x);
    b.release(Rt);
  });
});

describe('EntityTagger', () => {
  it('learns to find entities with unseen names, well above the most-frequent-tag baseline', () => {
    const train = corpus(300, 1);
    const test = corpus(60, 2);
    const tagger = EntityTagger.create(jsBackend(), train, small);
    expect(tagger.tags).toEqual(['O', 'B-LOC', 'B-ORG', 'B-PER', 'I-ORG', 'I-PER']);
    const history = tagger.train(train, { epochs: 8, batchSize: 8, validation: test.slice(0, 20), patience: 2 });
    expect(history[history.length - 1]!.loss).toBeLessThan(history[0]!.loss);
    const f1 = tagger.evaluate(test).f1;
    const baseline = conllEval(
      test.map((s) => s.tags),
      new MostFrequentTagger(train).predict(test.map((s) => s.tokens)),
    ).f1;
    expect(f1).toBeGreaterThan(85);
    expect(f1).toBeGreaterThan(baseline + 30);
    // decoding never produces an I- without its B- (valid IOB2)
    const predicted = tagger.predict(test.map((s) => s.tokens));
    expect(predicted.every((tags) => toIob2(tags).join() === tags.join())).toBe(true);
    const mentions = tagger.tag(['Zuvak', 'lives', 'in', 'Pomerin', '.']);
    expect(mentions).toEqual([
      { type: 'PER', start: 0, end: 1, text: 'Zuvak' },
      { type: 'LOC', start: 3, end: 4, text: 'Pomerin' },
    ]);
    tagger.dispose();
  });

  it('saves and loads with its vocabularies: identical outputs; damaged bytes are a CorruptModelError', () => {
    const train = corpus(40, 4);
    const backend = jsBackend();
    const tagger = EntityTagger.create(backend, train, small);
    tagger.train(train, { epochs: 1 });
    const bytes = tagger.toBytes();
    const again = EntityTagger.fromBytes(jsBackend(), bytes);
    const sentences = corpus(10, 5).map((s) => s.tokens);
    expect(again.predict(sentences)).toEqual(tagger.predict(sentences));
    const batch = { data: Float32Array.from([3, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), shape: [1, 1, 17] };
    expect(Array.from(again.model.predict(batch).data)).toEqual(Array.from(tagger.model.predict(batch).data));
    expect(again.words.toJSON()).toEqual(tagger.words.toJSON());
    expect(again.chars.toJSON()).toEqual(tagger.chars.toJSON());
    expect(again.tags).toEqual(tagger.tags);
    const damaged = bytes.slice();
    damaged[damaged.length - 10]! ^= 1;
    expect(() => EntityTagger.fromBytes(backend, damaged)).toThrow(CorruptModelError);
    expect(() => EntityTagger.fromBytes(backend, damaged)).toThrow(/file\.checksum: expected CRC-32/);
    expect(() => EntityTagger.fromBytes(backend, new Uint8Array(30))).toThrow(/file\.magic: expected "RNNNLPMD"/);
    // a well-formed file with an impossible configuration, or weights missing
    const payload = { tags: tagger.tags, words: tagger.words.toJSON(), chars: tagger.chars.toJSON() };
    const badConfig = writeBundle('entity-tagger', { ...payload, config: { ...tagger.config, hiddenSize: 0 } }, [], 'float32');
    expect(() => EntityTagger.fromBytes(backend, badConfig)).toThrow(
      /manifest \(options\.hiddenSize\): expected a valid model description/,
    );
    const noWeights = writeBundle('entity-tagger', { ...payload, config: tagger.config }, [], 'float32');
    expect(() => EntityTagger.fromBytes(backend, noWeights)).toThrow(
      /manifest\.config: expected a configuration with at most 0 parameters \(the tensors present\), received \d+/,
    );
    tagger.dispose();
    again.dispose();
  });

  it('is reproducible (the same seed gives the same losses and weights) and releases every tensor', () => {
    const train = corpus(30, 8);
    const run = () => {
      const backend = jsBackend();
      const tagger = EntityTagger.create(backend, train, small);
      const losses = tagger.train(train, { epochs: 2, validation: train.slice(0, 5) }).map((e) => e.loss);
      const weights = tagger.model.getWeights();
      tagger.tag(train[0]!.tokens);
      tagger.dispose();
      expect(backend.stats().tensors).toBe(0);
      return { losses, weights };
    };
    expect(run()).toEqual(run());
  });

  it('rejects empty sentences, sentences over maxLength, unknown tags and bad options with typed errors', () => {
    const train = corpus(20, 6);
    const tagger = EntityTagger.create(jsBackend(), train, { ...small, maxLength: 10 });
    expect(() => tagger.tag([])).toThrow(/sentences\[0\]: expected at least one token, received "an empty sentence"/);
    expect(() => tagger.tag(new Array(11).fill('a'))).toThrow(
      /sentences\[0\]: expected at most 10 tokens \(maxLength\), received "11 tokens"/,
    );
    expect(() => tagger.tag(['ok', ''])).toThrow(/sentences\[0\]\[1\]: expected a non-empty string/);
    expect(() => tagger.train([{ tokens: ['Rome'], tags: ['B-GPE'] }])).toThrow(
      /sentences\[0\]\.tags\[0\]: expected one of the tagger's tags \(O, B-LOC, B-ORG, B-PER, I-ORG, I-PER\), received "B-GPE"/,
    );
    expect(() => tagger.train(train, { epochs: 0 })).toThrow(InvalidArgumentError);
    expect(() => tagger.evaluate([{ tokens: ['a'], tags: ['X'] }])).toThrow(/sentences\[0\]\.tags\[0\]: expected an IOB tag/);
    expect(() => EntityTagger.create(jsBackend(), [], small)).toThrow(/training: expected a non-empty array of sentences/);
    expect(() => EntityTagger.create(jsBackend(), train, { dropout: 1 })).toThrow(/options\.dropout: expected a number in \[0, 1\)/);
    tagger.dispose();
  });
});

describe('word features and the baseline', () => {
  it('normalises words, keeps both ends of long words, and tags each word with its most frequent tag', () => {
    expect(normalizeWord('Route66')).toBe('route00');
    expect(wordChars('abc', 4)).toEqual(['a', 'b', 'c']);
    expect(wordChars('abcdefg', 4).join('')).toBe('abfg');
    expect(wordChars('abcdefg', 5).join('')).toBe('abcfg');
    const baseline = new MostFrequentTagger([
      { tokens: ['Paris', 'is', 'big'], tags: ['B-LOC', 'O', 'O'] },
      { tokens: ['Paris', 'Hilton'], tags: ['B-PER', 'I-PER'] },
      { tokens: ['Paris'], tags: ['B-LOC'] },
    ]);
    expect(baseline.predict([['Paris', 'Hilton', 'is', 'new']])).toEqual([['B-LOC', 'I-PER', 'O', 'O']]);
  });
});
