import { describe, expect, it } from 'vitest';
import { gru, lstm, simpleRnn } from '../cells/index.js';
import { ShapeError } from '../errors.js';
import { bidirectional } from '../layers/bidirectional.js';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { embedding } from '../layers/embedding.js';
import { recurrent } from '../layers/recurrent.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { softmaxCrossEntropy } from './losses.js';
import { Sequential } from './model.js';
import { adam } from './optimizers.js';

const model = () =>
  new Sequential(referenceBackend(), {
    layers: [
      embedding({ vocabSize: 100, embeddingSize: 16, paddingIndex: 0 }),
      bidirectional({ cell: gru({ inputSize: 16, hiddenSize: 8 }), mergeMode: 'concat', returnSequences: true }),
      dropout({ rate: 0.2 }),
      recurrent({ cell: lstm({ inputSize: 16, hiddenSize: 32 }) }),
      dense({ inputSize: 32, outputSize: 3 }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam(),
  });

describe('Sequential.summary', () => {
  it('lists each layer with its description, output shape and hand-counted parameters', () => {
    const m = model();
    const s = m.summary([4, 10]);
    const gruWeights = 2 * (3 * 8 * (16 + 8) + 3 * 8 + 3 * 8); // kernel, recurrent kernel, bias, recurrent bias (reset-after)
    expect(s.layers).toEqual([
      { index: 0, kind: 'embedding', description: 'embedding 100 tokens → 16', outputShape: [4, 10, 16], parameters: 1600 },
      {
        index: 1,
        kind: 'bidirectional',
        description: 'bidirectional GRU 16 → 16 (concat), every step',
        outputShape: [4, 10, 16],
        parameters: gruWeights,
      },
      { index: 2, kind: 'dropout', description: 'dropout 0.2', outputShape: [4, 10, 16], parameters: 0 },
      { index: 3, kind: 'recurrent', description: 'LSTM 16 → 32, last step', outputShape: [4, 32], parameters: 4 * 32 * (16 + 32 + 1) },
      { index: 4, kind: 'dense', description: 'dense 32 → 3', outputShape: [4, 3], parameters: 32 * 3 + 3 },
    ]);
    expect(s.parameters).toBe(1600 + gruWeights + 4 * 32 * 49 + 99);
    expect(m.parameterCount).toBe(s.parameters);
    expect(String(s).split('\n')).toEqual([
      '#  layer                                           output shape  parameters',
      '0  embedding 100 tokens → 16                       [4, 10, 16]        1,600',
      `1  bidirectional GRU 16 → 16 (concat), every step  [4, 10, 16]        ${gruWeights.toLocaleString('en')}`,
      '2  dropout 0.2                                     [4, 10, 16]            0',
      '3  LSTM 16 → 32, last step                         [4, 32]            6,272',
      '4  dense 32 → 3                                    [4, 3]                99',
      `total: ${s.parameters.toLocaleString('en')} parameters`,
    ]);
    expect(m.summary().layers.every((l) => l.outputShape === null)).toBe(true);
    expect(() => m.summary([4, 10, 3])).toThrow(ShapeError);
    m.dispose();
  });

  it('names the cell variants', () => {
    const m = new Sequential(referenceBackend(), {
      layers: [
        recurrent({ cell: gru({ inputSize: 2, hiddenSize: 3, resetAfter: false }), returnSequences: true, reverse: true }),
        recurrent({ cell: simpleRnn({ inputSize: 3, hiddenSize: 2, activation: 'relu' }) }),
      ],
      loss: softmaxCrossEntropy(),
      optimizer: adam(),
    });
    expect(m.summary().layers.map((l) => l.description)).toEqual([
      'GRU (reset-before) 2 → 3, every step, reversed',
      'RNN (relu) 3 → 2, last step',
    ]);
    m.dispose();
  });
});
