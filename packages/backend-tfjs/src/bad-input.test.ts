// The bad-input catalogue of @rnn/backend-tfjs: options and every kind of primitive misuse give typed errors.
import { type BadInputCase, checkBadInput } from '@rnn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tfjsBackend } from './index.js';

await tf.setBackend('cpu');
const b = tfjsBackend({ tf });
await b.ready();
const t = (shape: number[]) => b.tensor(shape);

const cases: BadInputCase[] = [
  {
    name: 'not a tfjs instance',
    call: () => tfjsBackend({ tf: {} as never }),
    code: 'INVALID_ARGUMENT',
    argument: 'options.tf',
    received: 'Object',
  },
  { name: 'negative dimension', call: () => b.tensor([2, -1]), code: 'INVALID_ARGUMENT', argument: 'shape', received: '[2, -1]' },
  { name: 'fractional dimension', call: () => b.tensor([2.5]), code: 'INVALID_ARGUMENT', argument: 'shape', received: '[2.5]' },
  {
    name: 'data of the wrong length',
    call: () => b.tensor([2, 3], [1, 2, 3]),
    code: 'SHAPE_MISMATCH',
    argument: 'data',
    received: '3 values',
  },
  {
    name: 'write of the wrong length',
    call: () => b.write(t([4]), [1, 2]),
    code: 'SHAPE_MISMATCH',
    argument: 'data',
    received: '2 values',
  },
  {
    name: 'gemm inner dimensions differ',
    call: () => b.gemm(t([2, 3]), t([4, 5]), t([2, 5])),
    code: 'SHAPE_MISMATCH',
    argument: 'b',
    received: '4 (b [4, 5])',
  },
  {
    name: 'gemm output of the wrong shape',
    call: () => b.gemm(t([2, 3]), t([3, 5]), t([2, 4])),
    code: 'SHAPE_MISMATCH',
    argument: 'out',
    received: '[2, 4]',
  },
  {
    name: 'unknown activation',
    call: () => b.activation('gelu' as never, t([2]), t([2])),
    code: 'INVALID_ARGUMENT',
    argument: 'kind',
    received: '"gelu"',
  },
  {
    name: 'elementwise sizes differ',
    call: () => b.add(t([2]), t([3]), t([2])),
    code: 'SHAPE_MISMATCH',
    argument: 'b',
    received: '3 elements (shape [3])',
  },
  {
    name: 'a released tensor',
    call: () => {
      const x = t([2]);
      b.release(x);
      return b.read(x);
    },
    code: 'RELEASED_TENSOR',
    argument: 't',
    received: 'one that was already released',
  },
  {
    name: 'a foreign tensor object',
    call: () => b.read({ shape: [1], size: 1, released: false }),
    code: 'INVALID_ARGUMENT',
    argument: 't',
    received: 'Object',
  },
  {
    name: 'class index out of range in cross-entropy',
    call: () => b.softmaxCrossEntropy(t([2, 3]), Int32Array.from([0, 3]), t([2, 3])),
    code: 'INVALID_ARGUMENT',
    argument: 'labels[1]',
    received: '3',
  },
];

describe('@rnn/backend-tfjs bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
