// Golden files: a small seeded model saved to bytes must hash to the SHA-256 recorded here, so a change to the
// writer or the container framing can never silently change the format; the recorded bytes must also load back.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gru, lstm } from '../cells/index.js';
import { bidirectional } from '../layers/bidirectional.js';
import { dense } from '../layers/dense.js';
import { embedding } from '../layers/embedding.js';
import { recurrent } from '../layers/recurrent.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { softmaxCrossEntropy } from '../train/losses.js';
import { Sequential } from '../train/model.js';
import { adam } from '../train/optimizers.js';
import { loadModelBytes, saveModelBytes } from './model-file.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('native model file: golden bytes', () => {
  it('a seeded, trained Sequential (float64, adam slots, dropout streams) writes the recorded bytes', () => {
    const b = referenceBackend();
    const model = new Sequential(b, {
      layers: [
        embedding({ vocabSize: 6, embeddingSize: 3 }),
        bidirectional({ cell: gru({ inputSize: 3, hiddenSize: 2 }), mergeMode: 'concat', returnSequences: true, recurrentDropout: 0.1 }),
        recurrent({ cell: lstm({ inputSize: 4, hiddenSize: 3 }), dropout: 0.2 }),
        dense({ inputSize: 3, outputSize: 2 }),
      ],
      loss: softmaxCrossEntropy(),
      optimizer: adam({ lr: 0.01 }),
      seed: 7,
    });
    const batch = { x: { data: [1, 2, 3, 4, 5, 0, 2, 4], shape: [2, 4] }, y: { data: [0, 1], shape: [2] } };
    model.trainStep(batch);
    model.trainStep(batch);
    const bytes = saveModelBytes(model);
    expect(bytes.length).toBe(GOLDEN.length);
    expect(sha256(bytes)).toBe(GOLDEN.sha256);
    const copy = loadModelBytes(b, bytes);
    expect(copy.getWeights()).toEqual(model.getWeights());
    expect(saveModelBytes(copy)).toEqual(bytes);
    model.dispose();
    copy.dispose();
  });
});

const GOLDEN = { length: 8761, sha256: '320ddba39de65d007fba7e8d6a03b48cbd6f38552925d9e445ce6d1c60d42693' };
