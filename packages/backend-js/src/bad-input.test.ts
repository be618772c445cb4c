// The bad-input catalogue of @rnn/backend-js: its options, and the primitive misuse every backend rejects.
import { type BadInputCase, backendBadInputCases, checkBadInput } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { jsBackend } from './index.js';

const cases: BadInputCase[] = [
  {
    name: 'unknown dtype',
    call: () => jsBackend({ dtype: 'float16' as never }),
    code: 'INVALID_ARGUMENT',
    argument: 'options.dtype',
    received: '"float16"',
  },
  ...backendBadInputCases(jsBackend()),
];

describe('@rnn/backend-js bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
