// The pure parts of saving and opening models: file names, the kinds registry, eviction, the network summary,
// the "try it" input and the export files (read back with the readers of each format).
import { jsBackend } from '@rnn/backend-js';
import {
  adam,
  bidirectional,
  CorruptModelError,
  dense,
  embedding,
  gru,
  InvalidArgumentError,
  loadModelBytes,
  lstm,
  recurrent,
  Sequential,
  softmaxCrossEntropy,
} from '@rnn/core';
import { loadLayersModel, readSafetensors, toLayersModel } from '@rnn/interop';
import { CharTokenizer, EntityTagger, LanguageModel, TextClassifier, WordTokenizer } from '@rnn/nlp';
import { Forecaster } from '@rnn/timeseries';
import { describe, expect, it } from 'vitest';
import { formatSize, modelFileName, slug } from './files.js';
import { modelKind, modelKinds, registerModelKind } from './kinds.js';
import { EXPORT_FORMATS, exampleInput, exportFiles, inputSpec, layersModelSource, networkName, parseInput } from './network.js';
import { evictions, RECENT_LIMIT } from './store.js';

const backend = jsBackend();

/** embedding 12 → 4, LSTM 4 → 6 (every step), dense 6 → 12: a character model. */
const charModel = (): Sequential =>
  new Sequential(backend, {
    layers: [
      embedding({ vocabSize: 12, embeddingSize: 4 }),
      recurrent({ cell: lstm({ inputSize: 4, hiddenSize: 6 }), returnSequences: true }),
      dense({ inputSize: 6, outputSize: 12 }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam(),
    seed: 1,
  });

/** features 3 → bidirectional GRU 5 (concat, last step) → dense 2. */
const sequenceModel = (): Sequential =>
  new Sequential(backend, {
    layers: [bidirectional({ cell: gru({ inputSize: 3, hiddenSize: 5, resetAfter: false }) }), dense({ inputSize: 10, outputSize: 2 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam(),
    seed: 2,
  });

describe('file names', () => {
  it('slugs titles to ASCII with dashes and adds the extension of the kind', () => {
    expect(slug('LSTM 64 · Tiny Shakespeare · 300 steps')).toBe('lstm-64-tiny-shakespeare-300-steps');
    expect(slug('  Café naïve!! ')).toBe('cafe-naive');
    expect(slug('···')).toBe('model');
    expect(slug('x'.repeat(100))).toHaveLength(60);
    expect(modelFileName('LSTM 64 · Tiny Shakespeare · 300 steps', 'language-model')).toBe('lstm-64-tiny-shakespeare-300-steps.rnnlm');
    expect(modelFileName('BiGRU 16 · sentiment', 'sentiment')).toBe('bigru-16-sentiment.rnnclf');
    expect(modelFileName('BiLSTM 32 · entities', 'tagger')).toBe('bilstm-32-entities.rnnner');
  });

  it('formats sizes in decimal units', () => {
    expect([999, 1000, 26_325 * 4, 2_500_000, 3e9].map(formatSize)).toEqual(['999 B', '1.0 kB', '105 kB', '2.5 MB', '3.0 GB']);
  });
});

describe('kinds registry', () => {
  it('has one extension and one page per kind', () => {
    const kinds = modelKinds();
    expect(kinds.map((k) => [k.id, k.extension, k.page])).toEqual([
      ['language-model', '.rnnlm', 'text'],
      ['sentiment', '.rnnclf', 'classify'],
      ['forecaster', '.rnnfc', 'forecast'],
      ['tagger', '.rnnner', 'classify'],
    ]);
    expect(new Set(kinds.map((k) => k.extension)).size).toBe(kinds.length);
  });

  it('refuses duplicates and unknown kinds with typed errors', () => {
    const network = () => charModel();
    expect(() => registerModelKind({ id: 'sentiment', label: 'x', extension: '.x', page: 'x', network })).toThrow(
      'kind.id: expected a kind not registered yet, received "sentiment"',
    );
    expect(() => registerModelKind({ id: 'other', label: 'x', extension: '.rnnlm', page: 'x', network })).toThrow(
      'kind.extension: expected an extension no other kind uses, received ".rnnlm"',
    );
    expect(() => registerModelKind({ id: 'other', label: 'x', extension: 'rnn', page: 'x', network })).toThrow(InvalidArgumentError);
    expect(() => modelKind('nope')).toThrow('kind: expected one of language-model, sentiment, forecaster, tagger, received "nope"');
  });

  it("reaches the network inside a file of its kind, and names another kind's file", async () => {
    const lm = LanguageModel.create(backend, { tokenizer: CharTokenizer.train('abcabc'), embeddingSize: 2, hiddenSize: 3 });
    const net = await modelKind('language-model').network(backend, lm.toBytes());
    expect(net.layerConfigs()).toEqual(lm.model.layerConfigs());
    expect(() => modelKind('sentiment').network(backend, lm.toBytes())).toThrow(CorruptModelError); // synchronous for nlp kinds
    net.dispose();
    lm.dispose();
  });

  it('reaches the network inside a forecaster file (the timeseries package is imported on demand)', async () => {
    const f = new Forecaster(backend, { horizon: 2, lookback: 4, hiddenSize: 3, epochs: 2, validation: 0, level: null });
    await f.fit(Array.from({ length: 30 }, (_, i) => Math.sin(i / 3)));
    const net = await modelKind('forecaster').network(backend, f.save());
    expect(net.getWeights()).toEqual(f.model.getWeights());
    await expect(modelKind('forecaster').network(backend, new Uint8Array(40))).rejects.toThrow(CorruptModelError);
    net.dispose();
    f.dispose();
  });
});

describe('recent models', () => {
  it(`evicts the oldest beyond ${RECENT_LIMIT}`, () => {
    expect(evictions([1, 2, 3])).toEqual([]);
    expect(evictions(Array.from({ length: 10 }, (_, i) => i + 1))).toEqual([]);
    expect(evictions([12, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2])).toEqual([2]);
    expect(evictions([5, 1, 9, 3], 2)).toEqual([1, 3]);
  });
});

describe('network name', () => {
  it("names the first recurrent layer (the summary itself is core's model.summary())", () => {
    const m = charModel();
    expect(networkName(m)).toBe('LSTM 6');
    expect(m.summary().layers.map((l) => l.description)).toEqual(['embedding 12 tokens → 4', 'LSTM 4 → 6, every step', 'dense 6 → 12']);
    const s = sequenceModel();
    expect(networkName(s)).toBe('BiGRU 5');
    m.dispose();
    s.dispose();
  });
});

describe('try it: the input', () => {
  it('reads token ids for an embedding model and [T][F] steps otherwise, as a batch of one', () => {
    const m = charModel();
    const s = sequenceModel();
    expect(inputSpec(m)).toEqual({ tokens: 12 });
    expect(inputSpec(s)).toEqual({ features: 3 });
    expect(parseInput('[1, 0, 11]', { tokens: 12 })).toEqual({ data: Int32Array.from([1, 0, 11]), shape: [1, 3] });
    expect(parseInput('[[1, 2, 3], [-0.5, 0, 1e-3]]', { features: 3 })).toEqual({
      data: Float32Array.from([1, 2, 3, -0.5, 0, 1e-3]),
      shape: [1, 2, 3],
    });
    // the example input parses and runs
    for (const model of [m, s]) {
      const spec = inputSpec(model);
      expect(() => model.predict(parseInput(exampleInput(spec), spec))).not.toThrow();
    }
    m.dispose();
    s.dispose();
  });

  it('names what is wrong in the input', () => {
    expect(() => parseInput('[1, 2', { tokens: 5 })).toThrow(/^input: expected a JSON array, received ".*"$/);
    expect(() => parseInput('[]', { tokens: 5 })).toThrow(
      'input: expected a non-empty JSON array of token ids: integers in [0, 4], received []',
    );
    expect(() => parseInput('{"a": 1}', { features: 2 })).toThrow(/^input: expected a non-empty JSON array of steps of 2 numbers each/);
    expect(() => parseInput('[1, 5]', { tokens: 5 })).toThrow('input[1]: expected a token id in [0, 4], received 5');
    expect(() => parseInput('[1.5]', { tokens: 5 })).toThrow('input[0]: expected a token id in [0, 4], received 1.5');
    expect(() => parseInput('[[1, 2], [3]]', { features: 2 })).toThrow('input[1]: expected an array of 2 numbers (one step), received [3]');
    expect(() => parseInput('[[1, "2"]]', { features: 2 })).toThrow('input[0][1]: expected a finite number, received "2"');
    expect(() => parseInput('[[1, null]]', { features: 2 })).toThrow('input[0][1]: expected a finite number, received null');
  });
});

describe('TF.js files', () => {
  it('finds model.json and orders the shards as its manifest does', () => {
    const s = sequenceModel();
    const { modelJson, weightData } = toLayersModel(s, { shardSizeBytes: 200 });
    const paths = modelJson.weightsManifest[0]!.paths;
    expect(paths.length).toBeGreaterThan(1);
    const shards = weightData.map((w, i) => ({ name: paths[i]!, bytes: new Uint8Array(w) })).reverse(); // any order
    const source = layersModelSource([...shards, { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) }]);
    const { model } = loadLayersModel(backend, source);
    const x = parseInput('[[0.1, 0.2, 0.3], [0.3, -1, 2]]', { features: 3 });
    expect(model.predict(x).data).toEqual(s.predict(x).data);
    // a missing shard: interop names it
    const missing = layersModelSource([shards[1]!, { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) }]);
    expect(() => loadLayersModel(backend, missing)).toThrow(/weights\[\d\] \("group1-shard\dof\d\.bin"\)/);
    expect(() => layersModelSource(shards)).toThrow(/^files: expected one model.json and its .bin weight files, received "group1-shard/);
    model.dispose();
    s.dispose();
  });
});

describe('export', () => {
  it('writes a core model file, ONNX, TF.js and safetensors files that read back', () => {
    const m = charModel();
    const [native] = exportFiles(m, 'native', 'char');
    expect(native!.name).toBe('char.rnnmodel');
    const again = loadModelBytes(backend, native!.bytes);
    expect(again.getWeights()).toEqual(m.getWeights());
    const [onnx] = exportFiles(m, 'onnx', 'char');
    expect(onnx!.name).toBe('char.onnx');
    expect(onnx!.bytes[0]).toBe(0x08); // ModelProto field 1 (ir_version), varint
    const tfjs = exportFiles(m, 'tfjs', 'char');
    expect(tfjs.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    const named = tfjs.map((f) => ({ name: f.name, bytes: f.bytes }));
    const imported = loadLayersModel(backend, layersModelSource(named)).model;
    const x = parseInput('[3, 1, 4, 1, 5]', { tokens: 12 });
    expect(imported.predict(x).data).toEqual(m.predict(x).data);
    const [st] = exportFiles(m, 'safetensors', 'char');
    expect(st!.name).toBe('char.safetensors');
    const tensors = readSafetensors(st!.bytes).tensors;
    expect([...tensors.keys()].sort()).toEqual([
      'embedding.weight',
      'head.bias',
      'head.weight',
      'rnn.bias_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.weight_ih_l0',
    ]);
    again.dispose();
    imported.dispose();
    m.dispose();
  });

  it("the classifier's pooling and the tagger's word-and-character layer have no ONNX, TF.js or PyTorch form: only .rnnmodel", async () => {
    const clf = TextClassifier.create(backend, {
      tokenizer: WordTokenizer.train(['good film', 'bad film']),
      labels: ['neg', 'pos'],
      hiddenSize: 2,
      embeddingSize: 2,
    });
    const tagger = EntityTagger.create(
      backend,
      [
        { tokens: ['Ann', 'met'], tags: ['B-PER', 'O'] },
        { tokens: ['Ann', 'met'], tags: ['B-PER', 'O'] },
      ],
      {
        wordSize: 2,
        charSize: 2,
        charHiddenSize: 2,
        hiddenSize: 2,
      },
    );
    const outcomes = (m: Sequential) =>
      EXPORT_FORMATS.map((f) => {
        try {
          exportFiles(m, f, 'x');
          return 'ok';
        } catch (e) {
          return (e as Error).name;
        }
      });
    expect(outcomes(await modelKind('sentiment').network(backend, clf.toBytes()))).toEqual([
      'ok',
      'UnsupportedError',
      'UnsupportedError',
      'UnsupportedError',
    ]);
    expect(outcomes(await modelKind('tagger').network(backend, tagger.toBytes()))).toEqual([
      'ok',
      'UnsupportedError',
      'UnsupportedError',
      'UnsupportedError',
    ]);
    clf.dispose();
    tagger.dispose();
  });

  it("names what a format cannot express (interop's UnsupportedError)", () => {
    const s = sequenceModel();
    expect(() => exportFiles(s, 'safetensors', 's')).toThrow(/reset/i); // a reset-before GRU has no PyTorch form
    s.dispose();
  });
});
