// One-file models: LanguageModel and TextClassifier toBytes / fromBytes (bundle.ts). A round trip predicts exactly
// the same and writes the same bytes; damage, truncation, another kind of file and hostile manifests are typed
// CorruptModelErrors naming what was expected.
import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, saveModelBytes } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { readBundle, writeBundle } from './bundle.js';
import { TextClassifier } from './classify/index.js';
import { LanguageModel } from './lm/index.js';
import { EntityTagger } from './tagging/index.js';
import { CharTokenizer, WordTokenizer } from './text/index.js';

const text = 'the cat sat on the mat. the dog sat on the log. ';

function tinyLm(dtype: 'float32' | 'float64' = 'float32', cell: 'lstm' | 'gru' = 'lstm'): LanguageModel {
  const tokenizer = CharTokenizer.train(text);
  const lm = LanguageModel.create(jsBackend({ dtype }), { tokenizer, cell, embeddingSize: 4, hiddenSize: 6, seed: 3 });
  const ids = tokenizer.encode(text);
  const x = ids.subarray(0, 16);
  const y = ids.subarray(1, 17);
  for (let i = 0; i < 3; i++) lm.model.trainStep({ x: { data: x, shape: [1, 16] }, y: { data: y, shape: [1, 16] } });
  return lm;
}

const texts = ['good film', 'bad film', 'great food', 'awful food', 'good good', 'bad bad'];

function tinyClassifier(): TextClassifier {
  const tokenizer = WordTokenizer.train(texts);
  return TextClassifier.create(jsBackend(), {
    tokenizer,
    labels: ['neg', 'pos'],
    hiddenSize: 4,
    embeddingSize: 3,
    pooling: 'max',
    seed: 2,
  });
}

describe('LanguageModel.toBytes / fromBytes', () => {
  it.each(['float32', 'float64'] as const)('round-trips exactly (%s): same probabilities, same generated text, same bytes', (dtype) => {
    const lm = tinyLm(dtype, 'gru');
    const bytes = lm.toBytes();
    const again = LanguageModel.fromBytes(jsBackend({ dtype }), bytes);
    expect(again.tokenizer.toJSON()).toEqual(lm.tokenizer.toJSON());
    expect(again.model.layerConfigs()).toEqual(lm.model.layerConfigs());
    const x = { data: lm.tokenizer.encode('the cat'), shape: [1, 7] };
    expect(again.model.predict(x).data).toEqual(lm.model.predict(x).data);
    const options = { prompt: 'the ', maxTokens: 20, temperature: 0.9, seed: 5 };
    expect(again.generate(options)).toBe(lm.generate(options));
    expect(again.toBytes()).toEqual(bytes);
    // the weights of a float32 model fill 4 bytes each: the file is the weights plus a small manifest
    expect(bytes.length).toBeGreaterThan(lm.parameterCount * (dtype === 'float32' ? 4 : 8));
    expect(bytes.length).toBeLessThan(lm.parameterCount * (dtype === 'float32' ? 4 : 8) + 4096);
    lm.dispose();
    again.dispose();
  });

  it('loads onto a backend of another dtype', () => {
    const lm = tinyLm('float32');
    const again = LanguageModel.fromBytes(jsBackend({ dtype: 'float64' }), lm.toBytes());
    expect(again.generate({ prompt: 't', maxTokens: 10, greedy: true })).toBe(lm.generate({ prompt: 't', maxTokens: 10, greedy: true }));
    lm.dispose();
    again.dispose();
  });

  it('a loaded model trains on (the optimizer settings are kept)', () => {
    const lm = tinyLm();
    const again = LanguageModel.fromBytes(jsBackend(), lm.toBytes());
    expect(again.model.optimizer.toConfig()).toEqual(lm.model.optimizer.toConfig());
    const ids = lm.tokenizer.encode(text);
    const batch = { x: { data: ids.subarray(0, 16), shape: [1, 16] }, y: { data: ids.subarray(1, 17), shape: [1, 16] } };
    const first = again.model.trainStep(batch).loss;
    for (let i = 0; i < 5; i++) again.model.trainStep(batch);
    expect(again.model.trainStep(batch).loss).toBeLessThan(first);
    lm.dispose();
    again.dispose();
  });

  it('refuses damaged, truncated and other files with CorruptModelError naming what was expected', () => {
    const lm = tinyLm();
    const bytes = lm.toBytes();
    const flipped = Uint8Array.from(bytes);
    flipped[bytes.length >> 1]! ^= 4;
    expect(() => LanguageModel.fromBytes(jsBackend(), flipped)).toThrow(/file\.checksum: expected CRC-32 [0-9a-f]+ \(the file is damaged/);
    expect(() => LanguageModel.fromBytes(jsBackend(), bytes.subarray(0, bytes.length - 9))).toThrow(CorruptModelError);
    expect(() => LanguageModel.fromBytes(jsBackend(), bytes.subarray(0, 10))).toThrow(
      'file: expected at least 20 bytes, received 10 bytes',
    );
    // a core model file, a classifier and a tagger are other kinds of files
    expect(() => LanguageModel.fromBytes(jsBackend(), saveModelBytes(lm.model))).toThrow(
      'file.magic: expected "RNNNLPMD" (an @rnn/nlp model file), received "RNNMODEL"',
    );
    const clf = tinyClassifier();
    expect(() => LanguageModel.fromBytes(jsBackend(), clf.toBytes())).toThrow(
      'manifest.kind: expected "language-model", received text-classifier',
    );
    const tagger = EntityTagger.create(
      jsBackend(),
      [
        { tokens: ['Ann', 'met'], tags: ['B-PER', 'O'] },
        { tokens: ['Ann', 'met'], tags: ['B-PER', 'O'] },
      ],
      { wordSize: 2, charSize: 2, charHiddenSize: 2, hiddenSize: 2 },
    );
    expect(() => LanguageModel.fromBytes(jsBackend(), tagger.toBytes())).toThrow(
      'manifest.kind: expected "language-model", received entity-tagger',
    );
    expect(() => LanguageModel.fromBytes(jsBackend(), 'abc' as never)).toThrow(CorruptModelError);
    lm.dispose();
    clf.dispose();
    tagger.dispose();
  });

  it('refuses hostile manifests (valid checksum) before allocating, and mismatched tokenizers', () => {
    const lm = tinyLm();
    const bundle = readBundle(lm.toBytes(), 'language-model');
    const tensors = [...bundle.tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
    const model = bundle.payload.model as { layers: Record<string, unknown>[] };
    const write = (payload: Record<string, unknown>, list = tensors) => writeBundle('language-model', payload, list, 'float32');
    const huge = { ...model, layers: [{ ...model.layers[0], embeddingSize: 2 ** 30 }, ...model.layers.slice(1)] };
    expect(() => LanguageModel.fromBytes(jsBackend(), write({ ...bundle.payload, model: huge }))).toThrow(
      /manifest\.model\.layers: expected a configuration with at most \d+ parameters \(the tensors present\)/,
    );
    expect(() => LanguageModel.fromBytes(jsBackend(), write({ ...bundle.payload, model: null }))).toThrow(
      'manifest.model: expected a model description { layers, loss, optimizer, seed }, received null',
    );
    expect(() => LanguageModel.fromBytes(jsBackend(), write(bundle.payload, tensors.slice(1)))).toThrow(CorruptModelError);
    const other = CharTokenizer.train('xyz').toJSON();
    expect(() => LanguageModel.fromBytes(jsBackend(), write({ ...bundle.payload, tokenizer: other }))).toThrow(
      /model\.layers\[0\]: expected an embedding of the tokenizer's 7 tokens/,
    );
    expect(() => LanguageModel.fromBytes(jsBackend(), write({ ...bundle.payload, tokenizer: { kind: 'x' } }))).toThrow(
      'tokenizer.kind: expected "char", "word" or "bpe", received "x"',
    );
    const badLayer = { ...model, layers: [{ ...model.layers[0], kind: 'mystery' }, ...model.layers.slice(1)] };
    expect(() => LanguageModel.fromBytes(jsBackend(), write({ ...bundle.payload, model: badLayer }))).toThrow(CorruptModelError);
    lm.dispose();
  });
});

describe('TextClassifier.toBytes / fromBytes', () => {
  it('round-trips exactly: same probabilities, labels, maxLength and bytes (pooling layer included)', async () => {
    const clf = tinyClassifier();
    await clf.fit(texts, [1, 0, 1, 0, 1, 0], { epochs: 2, batchSize: 3 });
    const bytes = clf.toBytes();
    const again = TextClassifier.fromBytes(jsBackend(), bytes);
    expect(again.predictProbabilities(texts)).toEqual(clf.predictProbabilities(texts));
    expect(again.labels).toEqual(['neg', 'pos']);
    expect(again.maxLength).toBe(clf.maxLength);
    expect(again.model.layerConfigs().map((c) => c.kind)).toEqual(['embedding', 'bidirectional', 'sequencePooling', 'dense']);
    expect(again.toBytes()).toEqual(bytes);
    clf.dispose();
    again.dispose();
  });

  it('refuses damaged files, other kinds and bad labels with CorruptModelError', () => {
    const clf = tinyClassifier();
    const bytes = clf.toBytes();
    const flipped = Uint8Array.from(bytes);
    flipped[40]! ^= 1;
    expect(() => TextClassifier.fromBytes(jsBackend(), flipped)).toThrow(CorruptModelError);
    expect(() => TextClassifier.fromBytes(jsBackend(), bytes.subarray(0, 100))).toThrow(CorruptModelError);
    const lm = tinyLm();
    expect(() => TextClassifier.fromBytes(jsBackend(), lm.toBytes())).toThrow(
      'manifest.kind: expected "text-classifier", received language-model',
    );
    const bundle = readBundle(bytes, 'text-classifier');
    const tensors = [...bundle.tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
    const write = (payload: Record<string, unknown>) => writeBundle('text-classifier', payload, tensors, 'float32');
    expect(() => TextClassifier.fromBytes(jsBackend(), write({ ...bundle.payload, labels: ['one'] }))).toThrow(
      'manifest.labels: expected at least two distinct class names, received ["one"]',
    );
    expect(() => TextClassifier.fromBytes(jsBackend(), write({ ...bundle.payload, labels: ['a', 'b', 'c'] }))).toThrow(
      /manifest\.model: expected an embedding of \d+ tokens \.\.\. a dense layer of 3 classes/,
    );
    expect(() => TextClassifier.fromBytes(jsBackend(), write({ ...bundle.payload, maxLength: -1 }))).toThrow(
      'manifest.maxLength: expected a positive integer, received -1',
    );
    clf.dispose();
    lm.dispose();
  });
});
