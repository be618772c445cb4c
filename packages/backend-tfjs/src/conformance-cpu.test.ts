import '@tensorflow/tfjs-backend-cpu';
import { conformanceCases } from '@rnn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { tfjsBackend } from './index.js';

describe('backend-tfjs conformance on tfjs-backend-cpu', () => {
  for (const c of conformanceCases(async () => {
    await tf.setBackend('cpu');
    return tfjsBackend({ tf });
  }))
    it(c.name, c.run);
});
