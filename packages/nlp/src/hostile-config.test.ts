// A file whose configuration implies more weights than it holds is refused before anything is built (a hostile
// hiddenSize must not make the loader allocate gigabytes): the parameter formulas equal the built models'.
import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { readBundle, writeBundle } from './bundle.js';
import type { TaggedSentence } from './tagging/iob.js';
import { EntityTagger, taggerParameters } from './tagging/tagger.js';
import { seq2seqParameters } from './translate/seq2seq.js';
import { Translator } from './translate/translator.js';

const sentences: TaggedSentence[] = [
  { tokens: ['Anna', 'lives', 'in', 'Oslo', '.'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'O'] },
  { tokens: ['Acme', 'Corp', 'hired', 'Bo'], tags: ['B-ORG', 'I-ORG', 'O', 'B-PER'] },
];
const pairs = Array.from({ length: 6 }, (_, i) => ({ source: `a b c${i}`, target: `x y z${i}` }));
const total = (params: readonly { value: { size: number } }[]): number => params.reduce((n, p) => n + p.value.size, 0);

/** The same file with its configuration replaced (tensors unchanged). */
function withConfig(bytes: Uint8Array, kind: string, change: Record<string, number>): Uint8Array {
  const b = readBundle(bytes, kind);
  const config = { ...(b.payload.config as Record<string, number>), ...change };
  const tensors = [...b.tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
  return writeBundle(kind, { ...b.payload, config }, tensors, 'float32');
}

describe('declared parameters', () => {
  it('the tagger formula equals the built model, and a huge hiddenSize is refused before building', () => {
    for (const sizes of [
      { wordSize: 4, charSize: 3, charHiddenSize: 2, hiddenSize: 5 },
      { wordSize: 12, charSize: 8, charHiddenSize: 8, hiddenSize: 16 },
    ]) {
      const tagger = EntityTagger.create(jsBackend(), sentences, { ...sizes, minWordCount: 1, seed: 1 });
      expect(taggerParameters(tagger.config, tagger.words.size, tagger.chars.size, tagger.tags.length)).toBe(total(tagger.model.params));
      const bytes = withConfig(tagger.toBytes(), 'entity-tagger', { hiddenSize: 2 ** 20 });
      expect(() => EntityTagger.fromBytes(jsBackend(), bytes)).toThrow(CorruptModelError);
      expect(() => EntityTagger.fromBytes(jsBackend(), bytes)).toThrow(
        /^manifest\.config: expected a configuration with at most \d+ parameters \(the tensors present\), received \d+$/,
      );
      tagger.dispose();
    }
  });

  it('the seq2seq formula equals the built translator, and a huge embeddingSize is refused before building', () => {
    for (const sizes of [
      { embeddingSize: 4, hiddenSize: 6 },
      { embeddingSize: 16, hiddenSize: 32 },
    ]) {
      const t = Translator.create(jsBackend(), pairs, { ...sizes, minCount: 1, seed: new Rng(1).int(100) });
      const want = seq2seqParameters({
        ...t.config,
        sourceVocabSize: t.sourceTokenizer.vocabulary.size,
        targetVocabSize: t.targetTokenizer.vocabulary.size,
      });
      expect(want).toBe(total(t.model.params));
      const bytes = withConfig(t.toBytes(), 'translator', { embeddingSize: 2 ** 22 });
      expect(() => Translator.fromBytes(jsBackend(), bytes)).toThrow(
        /^manifest\.config: expected a configuration with at most \d+ parameters/,
      );
      t.dispose();
    }
  });
});
