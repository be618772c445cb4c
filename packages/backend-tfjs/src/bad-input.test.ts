// The bad-input catalogue of @rnn/backend-tfjs: its options, and the primitive misuse every backend rejects.
import { type BadInputCase, backendBadInputCases, checkBadInput } from '@rnn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tfjsBackend } from './index.js';

await tf.setBackend('cpu');
const b = tfjsBackend({ tf });
await b.ready();

const cases: BadInputCase[] = [
  {
    name: 'not a tfjs instance',
    call: () => tfjsBackend({ tf: {} as never }),
    code: 'INVALID_ARGUMENT',
    argument: 'options.tf',
    received: 'Object',
  },
  ...backendBadInputCases(b),
];

describe('@rnn/backend-tfjs bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
