import { jsBackend } from '@rnn/backend-js';
import { InvalidArgumentError, Rng } from '@rnn/core';
import { CharTokenizer, LanguageModel } from '@rnn/nlp';
import { describe, expect, it } from 'vitest';
import { CELL_KINDS } from '../../training/cells.js';
import type { TrainedLm } from './corpus.js';
import { buildLanguageModel, randomWindows } from './lm.js';
import { textTask } from './task.js';

const TEXT = 'the cat sat on the mat. the rat ate the hat. '.repeat(8);
const TINY = { corpus: 'custom', text: TEXT, hiddenSize: 12, embeddingSize: 6, sequenceLength: 8, batchSize: 8, lr: 0.03, seed: 3 };

describe('randomWindows', () => {
  it('pairs each window with the same window shifted by one token', () => {
    const ids = Int32Array.from({ length: 20 }, (_, i) => i);
    const { x, y } = randomWindows(ids, 3, 5, new Rng(1));
    expect(x.shape).toEqual([3, 5]);
    expect(y.shape).toEqual([3, 5]);
    for (let b = 0; b < 3; b++) {
      const start = x.data[b * 5]!;
      for (let t = 0; t < 5; t++) {
        expect(x.data[b * 5 + t]).toBe(start + t);
        expect(y.data[b * 5 + t]).toBe(start + t + 1);
      }
      expect(start + 5).toBeLessThan(20); // the last target exists
    }
    expect(() => randomWindows(ids, 1, 20, new Rng(1))).toThrow(/text: expected at least 21 characters/);
  });
});

describe('the text task', () => {
  for (const cell of CELL_KINDS)
    it(`trains a ${cell} character model whose saved files generate text`, () => {
      const run = textTask.create(jsBackend({ dtype: 'float64' }), { ...TINY, cell });
      const V = new Set(TEXT).size;
      expect(run.info).toMatchObject({ corpus: 'custom', characters: TEXT.length, vocabulary: expect.any(Number) });
      const first = run.step().loss.loss!;
      expect(Math.abs(first - Math.log(run.info.vocabulary as number))).toBeLessThan(0.5); // chance at the start
      let last = first;
      for (let i = 0; i < 60; i++) last = run.step().loss.loss!;
      expect(last).toBeLessThan(first - 0.5);
      const trained = run.result!() as TrainedLm;
      run.dispose();
      expect(trained).toMatchObject({ cell, hiddenSize: 12, corpus: 'custom', steps: 61 });
      const lm = LanguageModel.load(jsBackend(), trained.files);
      expect(lm.tokenizer.vocabulary.size).toBeGreaterThanOrEqual(V);
      const text = lm.generate({ prompt: 'the ', maxTokens: 20, seed: 1, temperature: 0.5 });
      expect([...text].length).toBe(20);
      for (const ch of text) expect(TEXT).toContain(ch);
      const { layers } = lm.inspect('the cat');
      expect(layers[0]!.kind).toBe(cell);
      lm.dispose();
    });

  it('builds the RNN through LanguageModel.fromModel with the same stack as the gated cells', () => {
    const tokenizer = CharTokenizer.train(TEXT);
    const lm = buildLanguageModel(jsBackend(), tokenizer, { cell: 'rnn', embeddingSize: 4, hiddenSize: 5, learningRate: 0.01, seed: 1 });
    expect(lm.model.layerConfigs().map((c) => c.kind)).toEqual(['embedding', 'recurrent', 'dense']);
    const V = tokenizer.vocabulary.size;
    expect(lm.parameterCount).toBe(V * 4 + (4 * 5 + 5 * 5 + 5) + (5 * V + V));
    lm.dispose();
  });

  it('trains on a bundled corpus', () => {
    const run = textTask.create(jsBackend(), { corpus: 'abc', hiddenSize: 8, embeddingSize: 4, sequenceLength: 8, batchSize: 2 });
    expect(run.info.characters).toBeGreaterThan(400_000);
    expect(Number.isFinite(run.step().loss.loss)).toBe(true);
    run.dispose();
  });

  it('rejects bad parameters by name', () => {
    const create = (params: Record<string, unknown>) => () => textTask.create(jsBackend(), params);
    expect(create({ corpus: 'custom', text: 'short', sequenceLength: 8 })).toThrow(
      /params\.text: expected a text of 9 \(sequence length \+ 1\) to 2000000 characters, received "5 characters"/,
    );
    expect(create({ corpus: 'custom' })).toThrow(InvalidArgumentError);
    expect(create({ corpus: 'poems' })).toThrow(/params\.corpus/);
    expect(create({ ...TINY, cell: 'tree' })).toThrow(/params\.cell/);
    expect(create({ ...TINY, hiddenSize: 0 })).toThrow(/params\.hiddenSize: expected an integer in \[1, 1024\], received 0/);
    expect(create({ ...TINY, lr: -1 })).toThrow(/params\.lr/);
    expect(create({ ...TINY, temperature: 1 })).toThrow(/params: expected parameters among .*, received "temperature"/);
  });
});
