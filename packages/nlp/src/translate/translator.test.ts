import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { EntityTagger } from '../tagging/tagger.js';
import { WordTokenizer } from '../text/index.js';
import { corpusBleu } from './bleu.js';
import { type TranslationPair, Translator } from './translator.js';

// A toy language pair: each source word maps to one target word and the target reverses the order, so
// translating needs attention to the right source position (copying the source scores 0).
const WORDS = ['red', 'green', 'blue', 'cat', 'dog', 'bird', 'runs', 'sleeps', 'eats', 'big'];
const translateWord = (w: string) => w.toUpperCase().split('').reverse().join('');
function toyPairs(n: number, seed: number): TranslationPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const words = Array.from({ length: 2 + rng.int(3) }, () => WORDS[rng.int(WORDS.length)]!);
    return { source: words.join(' '), target: words.map(translateWord).reverse().join(' ') };
  });
}

const small = { embeddingSize: 16, hiddenSize: 32, dropout: 0, minCount: 1, lr: 0.01, seed: 2 };

describe('Translator', () => {
  it('learns a reordering toy translation: BLEU far above copying the source; beam search agrees', () => {
    const train = toyPairs(400, 1);
    const test = toyPairs(40, 2);
    const translator = Translator.create(jsBackend(), train, small);
    const history = translator.train(train, { epochs: 12, batchSize: 16, validation: test.slice(0, 20), patience: 3 });
    expect(history[history.length - 1]!.loss).toBeLessThan(history[0]!.loss / 4);
    const examples = test.map((p) => ({ source: p.source, references: [p.target] }));
    const greedy = translator.evaluate(examples);
    const beam = translator.evaluate(examples, { beamWidth: 3 });
    const copy = corpusBleu(
      test.map((p) => p.source),
      [test.map((p) => p.target)],
    ).score;
    expect(copy).toBe(0);
    expect(greedy.bleu.score).toBeGreaterThan(80);
    expect(beam.bleu.score).toBeGreaterThan(80);
    expect(translator.translate('big cat sleeps')).toBe('SPEELS TAC GIB');
    translator.dispose();
  });

  it('saves and loads with its tokenizers: identical translations and losses', () => {
    const train = toyPairs(60, 3);
    const translator = Translator.create(jsBackend(), train, small);
    translator.train(train, { epochs: 2 });
    const bytes = translator.toBytes();
    const again = Translator.fromBytes(jsBackend(), bytes);
    const sentences = toyPairs(8, 4).map((p) => p.source);
    expect(again.translateAll(sentences)).toEqual(translator.translateAll(sentences));
    expect(again.translateAll(sentences, { beamWidth: 3 })).toEqual(translator.translateAll(sentences, { beamWidth: 3 }));
    expect(again.loss(train)).toBe(translator.loss(train));
    expect(again.sourceTokenizer.toJSON()).toEqual(translator.sourceTokenizer.toJSON());
    expect(again.targetTokenizer.toJSON()).toEqual(translator.targetTokenizer.toJSON());
    // another model's bytes, or damaged ones
    const tagger = EntityTagger.create(jsBackend(), [{ tokens: ['a'], tags: ['O'] }], {
      hiddenSize: 2,
      wordSize: 2,
      charSize: 2,
      charHiddenSize: 2,
      minWordCount: 1,
    });
    expect(() => Translator.fromBytes(jsBackend(), tagger.toBytes())).toThrow(
      /manifest\.kind: expected "translator", received entity-tagger/,
    );
    const cut = bytes.slice(0, bytes.length - 100);
    expect(() => Translator.fromBytes(jsBackend(), cut)).toThrow(CorruptModelError);
    tagger.dispose();
    translator.dispose();
    again.dispose();
  });

  it('is reproducible (the same seed gives the same losses and translations) and releases every tensor', () => {
    const train = toyPairs(40, 9);
    const run = () => {
      const backend = jsBackend();
      const translator = Translator.create(backend, train, { ...small, dropout: 0.3 });
      const losses = translator.train(train, { epochs: 2, validation: train.slice(0, 5) }).map((e) => e.loss);
      const out = translator.translateAll(train.slice(0, 5).map((p) => p.source));
      translator.translate(train[0]!.source, { beamWidth: 2 });
      translator.dispose();
      expect(backend.stats().tensors).toBe(0); // nothing leaked
      return { losses, out };
    };
    expect(run()).toEqual(run());
  });

  it('decodes a batch greedily exactly as one sentence at a time', () => {
    const train = toyPairs(60, 5);
    const translator = Translator.create(jsBackend(), train, small);
    translator.train(train, { epochs: 1 });
    const sentences = toyPairs(10, 6).map((p) => p.source);
    expect(translator.translateAll(sentences)).toEqual(sentences.map((s) => translator.translate(s)));
    expect(translator.translateAll(sentences)).toEqual(translator.translateAll(sentences, { beamWidth: 1 }));
    translator.dispose();
  });

  it('rejects empty or too long sentences, invalid beam sizes and a target vocabulary without BOS/EOS', () => {
    const train = toyPairs(20, 7);
    const translator = Translator.create(jsBackend(), train, { ...small, maxSourceLength: 4, maxTargetLength: 4 });
    expect(() => translator.translate('')).toThrow(/sentences\[0\]: expected a sentence with at least one token, received ""/);
    expect(() => translator.translate('   ')).toThrow(/expected a sentence with at least one token/);
    expect(() => translator.translate('red cat eats big dog')).toThrow(
      /sentences\[0\]: expected at most 4 tokens \(maxSourceLength\), received "5 tokens"/,
    );
    expect(() => translator.translate('red cat', { beamWidth: 0 })).toThrow(/options\.beamWidth: expected a positive integer, received 0/);
    expect(() => translator.translate('red cat', { beamWidth: 2.5 })).toThrow(
      /options\.beamWidth: expected a positive integer, received 2\.5/,
    );
    expect(() => translator.translate('red cat', { maxLength: -1 })).toThrow(
      /options\.maxLength: expected a positive integer, received -1/,
    );
    expect(() => translator.train([{ source: 'red cat', target: 'A B C D E' }])).toThrow(
      /pairs\[0\]\.target: expected at most 4 tokens \(maxTargetLength\), received "5 tokens"/,
    );
    expect(() => translator.train([])).toThrow(/pairs: expected a non-empty array of \{ source, target \}/);
    expect(() => translator.evaluate([{ source: 'red', references: [] }])).toThrow(
      /examples\[0\]\.references: expected at least one reference translation/,
    );
    const noEos = WordTokenizer.train(['a b'], { specials: { eos: null } });
    expect(() => Translator.create(jsBackend(), train, { ...small, targetTokenizer: noEos })).toThrow(
      /targetTokenizer: expected a tokenizer whose vocabulary has BOS and EOS tokens/,
    );
    expect(() => Translator.create(jsBackend(), train, { ...small, hiddenSize: 7 })).toThrow(/hiddenSize: expected an even number/);
    translator.dispose();
  });
});
