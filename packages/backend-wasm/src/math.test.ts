// Accuracy of the polynomial exp / sigmoid / tanh used by the gate loops and activations, against Math.exp and
// Math.tanh in float64 on float32 inputs. The measured maxima are quoted in the README.
import { describe, expect, it as test } from 'vitest';
import { evalMath } from './backend.js';
import { relaxedSimdSupported } from './module.js';

const grid = (lo: number, hi: number, n: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

function maxRelError(xs: Float32Array, got: Float32Array, f: (x: number) => number): { err: number; at: number } {
  let err = 0;
  let at = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = f(xs[i]!);
    const r = Math.abs(got[i]! - e) / Math.abs(e);
    if (r > err) {
      err = r;
      at = xs[i]!;
    }
  }
  return { err, at };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
// include values that are not multiples of the grid step, and both vector lanes and the scalar tail (n mod 4 = 3)
const xs = (lo: number, hi: number) => grid(lo, hi, 200_003);

describe('polynomial approximations (float32)', () => {
  for (const relaxed of [false, true] as const) {
    const build = relaxed ? 'relaxed-SIMD build' : 'SIMD build';
    const it = relaxed && !relaxedSimdSupported() ? test.skip : test;
    it(`exp on [-87, 88]: max relative error < 3e-7 (${build})`, async () => {
      const x = xs(-87, 88);
      const r = maxRelError(x, await evalMath('exp', x, relaxed), Math.exp);
      console.log(`exp max relative error ${r.err.toExponential(2)} at ${r.at} (${build})`);
      expect(r.err).toBeLessThan(3e-7);
    });
    it(`sigmoid on [-30, 30]: max relative error < 3e-7 (${build})`, async () => {
      const x = xs(-30, 30);
      const r = maxRelError(x, await evalMath('sigmoid', x, relaxed), sigmoid);
      console.log(`sigmoid max relative error ${r.err.toExponential(2)} at ${r.at} (${build})`);
      expect(r.err).toBeLessThan(3e-7);
    });
    it(`tanh on [-12, 12]: max relative error < 3e-7 (${build})`, async () => {
      const x = xs(-12, 12);
      const r = maxRelError(x, await evalMath('tanh', x, relaxed), Math.tanh);
      console.log(`tanh max relative error ${r.err.toExponential(2)} at ${r.at} (${build})`);
      expect(r.err).toBeLessThan(3e-7);
    });
  }
  test('tanh is odd, exact at 0, and saturates to ±1; sigmoid saturates to 0 and 1', async () => {
    const x = Float32Array.from([0, -0.3, 0.3, 20, -20, 1e-20, -1e-20, 100, -100]);
    const t = await evalMath('tanh', x);
    expect(t[0]).toBe(0);
    expect(t[1]).toBe(-t[2]!);
    expect([t[3], t[4]]).toEqual([1, -1]);
    expect(t[5]).toBeCloseTo(1e-20, 25);
    expect([t[7], t[8]]).toEqual([1, -1]);
    const s = await evalMath('sigmoid', Float32Array.from([100, -100, 0, 0]));
    expect(s[0]).toBe(1);
    expect(s[1]).toBeLessThan(1e-37);
    expect(s[2]).toBe(0.5);
  });
});
