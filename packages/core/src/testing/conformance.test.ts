import { describe, it } from 'vitest';
import { conformanceCases } from './conformance.js';
import { referenceBackend } from './reference-backend.js';

// The suite run against the oracle itself: proves the suite's own plumbing (leak checks, comparisons, gradchecks).
describe('conformance suite on the reference backend', () => {
  for (const c of conformanceCases(() => referenceBackend(), { gradientCheck: true })) it(c.name, c.run);
});
