import '@tensorflow/tfjs-backend-wasm';
import { conformanceCases } from '@rnn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { tfjsBackend } from './index.js';

describe('backend-tfjs conformance on tfjs-backend-wasm', () => {
  for (const c of conformanceCases(async () => {
    await tf.setBackend('wasm');
    return tfjsBackend({ tf });
  }))
    it(c.name, c.run);
});
