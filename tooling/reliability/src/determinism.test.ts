// Same seed, same backend (and thread count) → bit-identical losses over 100 training steps, in two separate
// processes. Across backends the losses agree only to float32 rounding (different GEMM summation orders and
// exp/tanh approximations); the README states this and the test records it.
import { describe, expect, it } from 'vitest';
import { requireBuilt, runChild } from './children.js';

const BACKENDS = ['js', 'js-float64', 'wasm', 'wasm-2threads', 'tfjs-cpu', 'tfjs-wasm'];
const STEPS = 100;

const toNumber = (hex: string): number => {
  const v = new DataView(new ArrayBuffer(8));
  v.setBigUint64(0, BigInt(`0x${hex}`));
  return v.getFloat64(0);
};

describe('determinism across processes', () => {
  const runs = new Map<string, string[]>();

  it.each(BACKENDS)('%s: two processes give bit-identical losses', async (backend) => {
    requireBuilt();
    const [a, b] = await Promise.all([
      runChild('train-losses.mjs', [backend, String(STEPS)]),
      runChild('train-losses.mjs', [backend, String(STEPS)]),
    ]);
    const first = JSON.parse(a) as string[];
    expect(first).toHaveLength(STEPS);
    expect(JSON.parse(b)).toEqual(first);
    expect(first.map(toNumber).every(Number.isFinite)).toBe(true);
    runs.set(backend, first);
  });

  it('backend-wasm gives the same bits with 1 and 2 threads (GEMMs split by output blocks)', () => {
    expect(runs.get('wasm-2threads')).toEqual(runs.get('wasm'));
  });

  it('different backends agree to float32 rounding, not bit for bit', () => {
    const ref = runs.get('js-float64')!.map(toNumber);
    for (const backend of BACKENDS) {
      const losses = runs.get(backend)!.map(toNumber);
      // the first steps, before chaotic training dynamics amplify rounding differences
      for (let s = 0; s < 5; s++) expect(Math.abs(losses[s]! - ref[s]!), `${backend} step ${s}`).toBeLessThan(1e-4);
    }
  });
});
