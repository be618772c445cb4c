import { conformanceCases } from '@rnn/core/testing';
import { describe, it } from 'vitest';
import { jsBackend } from './index.js';

describe('backend-js float32 conformance', () => {
  for (const c of conformanceCases(() => jsBackend())) it(c.name, c.run);
});

describe('backend-js float64 conformance (includes gradient checks)', () => {
  for (const c of conformanceCases(() => jsBackend({ dtype: 'float64' }), { gradientCheck: true })) it(c.name, c.run);
});
