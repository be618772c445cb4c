// The README's first example, run as written so the documentation cannot rot. Core cannot depend on a
// backend package, so the reference backend stands in for jsBackend().
import { describe, expect, it } from 'vitest';
import { adam, bidirectional, cosineDecay, dense, embedding, lstm, Sequential, softmaxCrossEntropy } from './index.js';
import { referenceBackend } from './testing/reference-backend.js';

describe('README examples', () => {
  it('padded token classification with fit', async () => {
    const x = { data: Int32Array.from([5, 3, 9, 2, 0, 0, 7, 7, 1, 0, 0, 0, 4, 8, 3, 6, 2, 9, 1, 2, 0, 0, 0, 0]), shape: [4, 6] };
    const y = { data: Int32Array.from([1, 0, 1, 0]), shape: [4] };
    const lengths = Int32Array.from([4, 3, 6, 2]);
    const model = new Sequential(referenceBackend(), {
      layers: [
        embedding({ vocabSize: 10, embeddingSize: 8, paddingIndex: 0 }),
        bidirectional({ cell: lstm({ inputSize: 8, hiddenSize: 16 }), mergeMode: 'concat', dropout: 0.1 }),
        dense({ inputSize: 32, outputSize: 2 }),
      ],
      loss: softmaxCrossEntropy(),
      optimizer: adam({ lr: 0.01, clipNorm: 1, schedule: cosineDecay({ totalSteps: 200 }) }),
      seed: 1,
    });
    const history = await model.fit({ x, y, lengths }, { epochs: 50, batchSize: 4 });
    expect(history.epochs).toHaveLength(50);
    expect(model.evaluate({ x, y, lengths }).accuracy).toBe(1);
    model.dispose();
  });
});
