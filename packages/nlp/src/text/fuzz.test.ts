// Hostile tokenizer, vocabulary and model-bundle files: random JSON values put into a valid tokenizer file,
// truncated and bit-flipped JSON text, deeply nested JSON, and random or damaged tagger / language-model /
// classifier bundles.
// Every load either gives a tokenizer that round-trips exactly or throws a typed RnnError; never another error.
// `pnpm fuzz` runs these with 10,000 cases on a fresh seed (RNN_FUZZ_RUNS, RNN_FUZZ_SEED).
import { jsBackend } from '@rnn/backend-js';
import { RnnError } from '@rnn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextClassifier } from '../classify/index.js';
import { LanguageModel } from '../lm/index.js';
import { EntityTagger } from '../tagging/index.js';
import { BpeTokenizer, CharTokenizer, tokenizerFromJSON, Vocabulary, WordTokenizer } from './index.js';

const runs = Number(process.env.RNN_FUZZ_RUNS ?? 200);
const seed = Number(process.env.RNN_FUZZ_SEED ?? 7);
const corpus = 'the cat sat on the mat. the dog ate the cat’s food! naïve café, NFKC ﬁ ligature.';
const files = [
  JSON.stringify(CharTokenizer.train(corpus).toJSON()),
  JSON.stringify(WordTokenizer.train(corpus).toJSON()),
  JSON.stringify(BpeTokenizer.train(corpus, { merges: 20 }).toJSON()),
];

/** A load's outcome: the tokenizer's own JSON when it loads (it must round-trip), 'typed' for an RnnError. */
function load(text: string): string {
  try {
    const t = tokenizerFromJSON(text);
    const again = JSON.stringify(t.toJSON());
    expect(JSON.stringify(tokenizerFromJSON(again).toJSON())).toBe(again);
    return again;
  } catch (e) {
    if (RnnError.isInstance(e)) return 'typed';
    throw e;
  }
}

describe('fuzz: tokenizer and vocabulary files', () => {
  it('fuzz: the valid files load and round-trip', () => {
    for (const f of files) expect(load(f)).not.toBe('typed');
  });

  it('fuzz: random JSON values in place of any field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.jsonValue({ maxDepth: 4 }), fc.nat(), (file, value, pick) => {
        const json = JSON.parse(file) as unknown;
        const slots: Array<[Record<string, unknown>, string]> = [];
        const walk = (o: unknown): void => {
          if (typeof o !== 'object' || o === null) return;
          for (const k of Object.keys(o)) {
            slots.push([o as Record<string, unknown>, k]);
            walk((o as Record<string, unknown>)[k]);
          }
        };
        walk(json);
        const [obj, key] = slots[pick % slots.length]!;
        if (value === undefined) delete obj[key];
        else obj[key] = value;
        load(JSON.stringify(json));
      }),
      { numRuns: runs, seed },
    );
  });

  it('fuzz: truncated and byte-flipped JSON text, random text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.nat(), fc.integer({ min: 1, max: 0xffff }), (file, at, code) => {
        const i = at % file.length;
        load(file.slice(0, i));
        load(file.slice(0, i) + String.fromCharCode(code) + file.slice(i + 1));
      }),
      { numRuns: runs, seed },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => void load(text)),
      { numRuns: runs, seed },
    );
  });

  it('fuzz: deeply nested JSON and huge vocabularies are refused or loaded, never a crash', () => {
    for (const depth of [1_000, 100_000]) {
      expect(load('['.repeat(depth) + ']'.repeat(depth))).toBe('typed');
      expect(load(`{"kind":"char","vocabulary":${'['.repeat(depth)}${']'.repeat(depth)}}`)).toBe('typed');
    }
    const tokens = Array.from({ length: 100_000 }, (_, i) => `t${i}`);
    const specials = { pad: 't0', unk: null, bos: null, eos: null };
    expect(Vocabulary.fromJSON({ type: 'vocabulary', version: 1, tokens, specials }).size).toBe(100_000);
    expect(() => Vocabulary.fromJSON({ type: 'vocabulary', version: 1, tokens: [...tokens, 't7'], specials })).toThrow(RnnError);
  });
});

describe('fuzz: model bundles', () => {
  const backend = jsBackend();
  const sentence = { tokens: ['Ann', 'met', 'Bob', 'in', 'Paris'], tags: ['B-PER', 'O', 'B-PER', 'O', 'B-LOC'] };
  const tagger = EntityTagger.create(backend, [sentence, sentence], {
    seed: 1,
    wordSize: 8,
    charSize: 4,
    charHiddenSize: 4,
    hiddenSize: 8,
  });
  const lm = LanguageModel.create(backend, { tokenizer: CharTokenizer.train(corpus), embeddingSize: 4, hiddenSize: 4, seed: 1 });
  const clf = TextClassifier.create(backend, {
    tokenizer: WordTokenizer.train(corpus),
    labels: ['a', 'b'],
    embeddingSize: 3,
    hiddenSize: 3,
  });
  const readers = {
    tagger: { bytes: tagger.toBytes(), read: (b: Uint8Array) => EntityTagger.fromBytes(backend, b) },
    'language model': { bytes: lm.toBytes(), read: (b: Uint8Array) => LanguageModel.fromBytes(backend, b) },
    classifier: { bytes: clf.toBytes(), read: (b: Uint8Array) => TextClassifier.fromBytes(backend, b) },
  };

  it.each(Object.keys(readers) as (keyof typeof readers)[])(
    'fuzz: random bytes, truncations and single-byte changes of a %s file are refused (checksummed)',
    (name) => {
      const { bytes: good, read } = readers[name];
      const outcome = (bytes: Uint8Array): 'loaded' | 'typed' => {
        try {
          read(bytes).dispose();
          return 'loaded';
        } catch (e) {
          if (RnnError.isInstance(e)) return 'typed';
          throw e;
        }
      };
      expect(outcome(good)).toBe('loaded');
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => void outcome(b)),
        { numRuns: runs, seed },
      );
      fc.assert(
        fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (i, bit) => {
          const c = Uint8Array.from(good);
          c[i]! ^= bit;
          return outcome(c) === 'typed' && outcome(good.subarray(0, i)) === 'typed';
        }),
        { numRuns: runs, seed },
      );
    },
  );
});
