// Backends in a plain Node process: a threaded wasm backend starts (its workers boot while nothing else keeps
// the event loop alive) and never keeps the process alive afterwards.
import { describe, expect, it } from 'vitest';
import { requireBuilt, runChild } from './children.js';

describe('process lifecycle', () => {
  it.each(['dispose', 'keep'])('threaded wasm backend: ready, then the process exits by itself (%s)', async (mode) => {
    requireBuilt();
    const out = await runChild('threads-lifecycle.mjs', [mode], 60_000);
    expect(out.trim()).toMatch(/^wasm-(relaxed-)?simd-threads 1,2$/);
  });
});
