// The bad-input catalogue of @rnn/speech.
import { jsBackend } from '@rnn/backend-js';
import { type BadInputCase, checkBadInput } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { connectedDigits, DigitRecognizer, splitRecordings } from './index.js';

const rec = { digit: 3, frames: 2, features: new Float32Array(26) };

const cases: BadInputCase[] = [
  {
    name: 'fractions that leave no training set',
    call: () => splitRecordings([rec], { validation: 0.5, test: 0.5 }),
    code: 'INVALID_ARGUMENT',
    argument: 'split',
    received: 'Object',
  },
  { name: 'zero utterances', call: () => connectedDigits([rec], 0), code: 'INVALID_ARGUMENT', argument: 'count', received: '0' },
  {
    name: 'maxDigits below minDigits',
    call: () => connectedDigits([rec], 5, { minDigits: 3, maxDigits: 2 }),
    code: 'INVALID_ARGUMENT',
    argument: 'maxDigits',
    received: '2',
  },
  { name: 'no recordings', call: () => connectedDigits([], 5), code: 'INVALID_ARGUMENT', argument: 'recordings', received: '0' },
  {
    name: 'a recogniser of 0 hidden units',
    call: () => new DigitRecognizer(jsBackend(), { hiddenSize: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'gru.hiddenSize',
    received: '0',
  },
  {
    name: 'features that are not whole frames',
    call: () => new DigitRecognizer(jsBackend(), { hiddenSize: 4, layers: 1 }).transcribe(new Float32Array(14)),
    code: 'INVALID_ARGUMENT',
    argument: 'features',
    received: 'Float32Array(14)',
  },
];

describe('@rnn/speech bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
