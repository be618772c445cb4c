// The bad-input catalogue of @rnn/backend-wasm: the primitive misuse every backend rejects (its options,
// readiness and memory limits are in errors.test.ts).
import { backendBadInputCases, checkBadInput } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';

const b = wasmBackend({ relaxedSimd: false });
await b.ready();

describe('@rnn/backend-wasm bad-input catalogue', () => {
  it.each(backendBadInputCases(b).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
