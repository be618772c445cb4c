// The character language model the text pages train and read: @rnn/nlp's LanguageModel (embedding →
// recurrent → dense over the characters). LanguageModel.create builds LSTMs and GRUs; the Elman RNN is the
// same stack on core's simpleRnn, wrapped with LanguageModel.fromModel.
import {
  adam,
  type Backend,
  type Batch,
  dense,
  embedding,
  InvalidArgumentError,
  type Rng,
  recurrent,
  Sequential,
  simpleRnn,
  softmaxCrossEntropy,
} from '@rnn/core';
import { LanguageModel, type Tokenizer } from '@rnn/nlp';
import type { CellKind } from '../../training/cells.js';

export interface LmSettings {
  cell: CellKind;
  embeddingSize: number;
  hiddenSize: number;
  learningRate: number;
  seed: number;
}

export function buildLanguageModel(backend: Backend, tokenizer: Tokenizer, s: LmSettings): LanguageModel {
  const { cell, embeddingSize, hiddenSize, learningRate, seed } = s;
  if (cell !== 'rnn') return LanguageModel.create(backend, { tokenizer, cell, embeddingSize, hiddenSize, learningRate, seed });
  const V = tokenizer.vocabulary.size;
  const model = new Sequential(backend, {
    layers: [
      embedding({ vocabSize: V, embeddingSize }),
      recurrent({ cell: simpleRnn({ inputSize: embeddingSize, hiddenSize }), returnSequences: true }),
      dense({ inputSize: hiddenSize, outputSize: V }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: learningRate, clipNorm: 5 }), // LanguageModel.create's clipping
    seed,
  });
  return LanguageModel.fromModel(model, tokenizer);
}

/** `batchSize` windows of `length` tokens at random offsets: inputs [B, L] and next-token targets [B, L]. */
export function randomWindows(ids: Int32Array, batchSize: number, length: number, rng: Rng): Batch {
  if (ids.length < length + 1)
    throw new InvalidArgumentError('text', `at least ${length + 1} characters (sequence length + 1)`, ids.length);
  const x = new Int32Array(batchSize * length);
  const y = new Int32Array(batchSize * length);
  for (let b = 0; b < batchSize; b++) {
    const o = rng.int(ids.length - length);
    x.set(ids.subarray(o, o + length), b * length);
    y.set(ids.subarray(o + 1, o + length + 1), b * length);
  }
  return { x: { data: x, shape: [batchSize, length] }, y: { data: y, shape: [batchSize, length] } };
}
