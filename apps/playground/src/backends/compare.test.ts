import { jsBackend } from '@rnn/backend-js';
import { InvalidArgumentError, UnsupportedError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { BACKEND_CHOICES, backendNote, wasmThreadCount } from '../training/backend-choice.js';
import { wire } from '../training/port.test-helpers.js';
import { type CompareRow, compareBackends, stepStats } from './compare.js';
import { isolationNote } from './panel.js';

describe('step statistics', () => {
  it('leaves out the warm-up steps', () => {
    expect(stepStats([100, 50, 3, 1, 2], 2)).toEqual({ count: 3, median: 2, min: 1, mean: 2 });
    expect(stepStats([9, 4, 1, 3, 2], 1)).toEqual({ count: 4, median: 2.5, min: 1, mean: 2.5 });
    expect(stepStats([5], 0)).toEqual({ count: 1, median: 5, min: 5, mean: 5 });
  });

  it('needs at least one timed step', () => {
    expect(() => stepStats([1, 2], 2)).toThrow(new InvalidArgumentError('stepMs', 'more than 2 step times (warm-up)', 2));
    expect(() => stepStats([1, 2], -1)).toThrow(/warmup: expected a non-negative integer, received -1/);
  });
});

describe('compare backends', () => {
  it('runs the same bench model on each backend in turn and reports the exact error of one that fails', async () => {
    let t = 0;
    const { client, events } = wire({
      now: () => (t += 2), // each step "takes" 2 ms on this clock
      loadBackend: (choice) =>
        choice === 'tfjs-webgl'
          ? Promise.reject(new UnsupportedError('backend', 'a tfjs "webgl" backend that initialises here', 'WebGL2 is not available'))
          : Promise.resolve(jsBackend()),
    });
    const rows: CompareRow[] = [];
    const result = await compareBackends(client, ['js', 'tfjs-webgl', 'wasm'], {
      steps: 3,
      warmup: 1,
      params: { hiddenSize: 8, length: 4, batchSize: 2 },
      onRow: (row) => rows.push(row),
    });
    expect(result).toEqual(rows);
    expect(result[0]).toEqual({ choice: 'js', backend: 'js-float32', stats: { count: 3, median: 2, min: 2, mean: 2 } });
    expect(result[1]).toEqual({
      choice: 'tfjs-webgl',
      error: 'backend: expected a tfjs "webgl" backend that initialises here, received "WebGL2 is not available"',
    });
    expect(result[2]!.stats!.count).toBe(3);
    // the two backends that started ran the same model, for warm-up + timed steps each
    const infos = events.flatMap((e) => (e.type === 'started' ? [e.info] : []));
    expect(infos).toHaveLength(2);
    expect(infos[1]).toEqual(infos[0]);
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(8);
  });

  it('uses 2 to 4 wasm threads, and says what each backend does here', () => {
    expect([undefined, 1, 2, 3, 8].map(wasmThreadCount)).toEqual([2, 2, 2, 3, 4]);
    expect(backendNote('wasm-threads', true, 8)).toMatch(/over 4 Web Workers/);
    expect(backendNote('wasm-threads', false, 8)).toMatch(/Needs a cross-origin-isolated page/);
    for (const choice of BACKEND_CHOICES) expect(backendNote(choice, true, 2).length).toBeGreaterThan(20);
  });

  it('describes what cross-origin isolation changes', () => {
    expect(isolationNote(true)).toMatch(/several threads \(wasm · threads\)/);
    expect(isolationNote(false)).toMatch(/COOP\/COEP/);
  });
});
