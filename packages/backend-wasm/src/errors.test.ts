// Typed errors: before ready(), on shape mismatches and foreign tensors, on bad options, and when the memory
// cannot grow (after which the backend keeps working).
import { jsBackend } from '@rnn/backend-js';
import { type Backend, BackendNotReadyError, InvalidArgumentError, lstm, Rng, RnnError, recurrent, ShapeError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { WasmOutOfMemoryError, wasmBackend } from './index.js';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return RnnError.isInstance(e) ? e.code : `untyped: ${String(e)}`;
  }
  return undefined;
};

describe('before ready()', () => {
  it('every method throws BackendNotReadyError, and isReady flips after ready()', async () => {
    const b = wasmBackend();
    expect(b.isReady).toBe(false);
    const calls: Array<(b: Backend) => unknown> = [
      (x) => x.tensor([2]),
      (x) => x.stats(),
      (x) => x.read({ shape: [1], size: 1, released: false }),
      (x) => x.fill({ shape: [1], size: 1, released: false }, 0),
      (x) => x.sumSquares({ shape: [1], size: 1, released: false }),
      (x) =>
        x.gemm(
          { shape: [1, 1], size: 1, released: false },
          { shape: [1, 1], size: 1, released: false },
          { shape: [1, 1], size: 1, released: false },
        ),
      (x) =>
        x.adamUpdate(...([0, 0, 0, 0].map(() => ({ shape: [1], size: 1, released: false })) as [never, never, never, never]), {
          lr: 1,
          beta1: 0.9,
          beta2: 0.99,
          eps: 1e-8,
          step: 1,
          weightDecay: 0,
        }),
    ];
    for (const call of calls) expect(() => call(b)).toThrow(BackendNotReadyError);
    await b.ready();
    expect(b.isReady).toBe(true);
    const t = b.tensor([2], [1, 2]);
    expect(Array.from(b.read(t))).toEqual([1, 2]);
    b.release(t);
    b.dispose();
    expect(b.isReady).toBe(false);
    expect(() => b.tensor([1])).toThrow(BackendNotReadyError);
    await b.ready(); // a disposed backend can be made ready again, with a fresh memory
    expect(b.stats()).toMatchObject({ tensors: 0, bytes: 0 });
    expect(code(() => b.read(t))).toBe('INVALID_ARGUMENT'); // tensors of the old memory are foreign now
    const old = b.tensor([3]);
    b.dispose();
    b.release(old); // a model disposed after its backend: releasing is a no-op
    expect(old.released).toBe(true);
  });
});

describe('argument errors', () => {
  it('shape mismatches, foreign and released tensors', async () => {
    const b = wasmBackend();
    await b.ready();
    const js = jsBackend();
    const a = b.tensor([2, 3]);
    const c = b.tensor([4]);
    expect(() => b.add(a, c, a)).toThrow(ShapeError);
    expect(() => b.gemm(a, a, c)).toThrow(ShapeError);
    expect(() => b.write(a, [1, 2])).toThrow(ShapeError);
    expect(() => b.tensor([2, 2], [1, 2, 3])).toThrow(ShapeError);
    expect(code(() => b.tensor([2, -1]))).toBe('INVALID_ARGUMENT');
    const foreign = js.tensor([2, 3]);
    expect(() => b.copy(foreign, a)).toThrow(InvalidArgumentError);
    const other = wasmBackend();
    await other.ready();
    expect(() => b.copy(other.tensor([2, 3]), a)).toThrow(InvalidArgumentError);
    const g = b.tensor([3, 3]);
    expect(code(() => b.gemm(g, g, g))).toBe('INVALID_ARGUMENT'); // out aliases an input
    expect(code(() => b.activation('swish' as never, a, a))).toBe('INVALID_ARGUMENT');
    b.release(c);
    expect(code(() => b.fill(c, 1))).toBe('RELEASED_TENSOR');
    expect(code(() => b.release(c))).toBe('RELEASED_TENSOR');
    // fused kernels validate every tensor they would touch (a wrong size would write outside it)
    const layer = recurrent({ cell: lstm({ inputSize: 3, hiddenSize: 4 }) }).build(b, new Rng(1), 'l');
    const x = b.tensor([2, 5, 3]);
    layer.forward(x, { training: true });
    const [W, U, bias] = layer.params.map((p) => p.value);
    const bad = b.tensor([2, 5]);
    const state = b.tensor([2, 4]);
    expect(() =>
      b.rnnForward!({
        cell: { kind: 'lstm', activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: false },
        params: { kernel: W!, recurrentKernel: U!, bias: bias! },
        x,
        h0: state,
        c0: bad,
        output: b.tensor([2, 5, 4]),
        hT: state,
        cT: state,
        training: false,
      }),
    ).toThrow(ShapeError);
    layer.dispose();
    b.dispose();
    other.dispose();
  });

  it('rejects bad options', () => {
    expect(() => wasmBackend({ threads: 0 })).toThrow(InvalidArgumentError);
    expect(() => wasmBackend({ maximumMemoryMiB: 5000 })).toThrow(InvalidArgumentError);
    expect(() => wasmBackend({ maximumMemoryMiB: 8, initialMemoryMiB: 16 })).toThrow(InvalidArgumentError);
    expect(() => wasmBackend({ relaxedSimd: 'yes' as never })).toThrow(InvalidArgumentError);
  });
});

describe('out of memory', () => {
  it('a typed error when the memory cannot grow, then the backend still works', async () => {
    const b = wasmBackend({ maximumMemoryMiB: 4 });
    await b.ready();
    const keep = b.tensor([64, 64], new Float32Array(64 * 64).fill(1));
    let error: unknown;
    try {
      b.tensor([1024, 1024]); // 4 MiB on top of the GEMM workspace
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WasmOutOfMemoryError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as RnnError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(/^shape: expected .*out of memory.*received \[1024, 1024\]$/);
    expect(b.stats().tensors).toBe(1);
    // growing up to the limit still works, and so does computing
    const big = b.tensor([512, 1024]);
    const out = b.tensor([64, 64]);
    b.gemm(keep, keep, out);
    expect(b.read(out)[0]).toBe(64);
    b.release(big);
    b.release(out);
    // a fused kernel whose workspace does not fit fails the same way and leaks nothing
    const layer = recurrent({ cell: lstm({ inputSize: 8, hiddenSize: 64 }), returnSequences: true }).build(b, new Rng(1), 'l');
    const x = b.tensor([16, 200, 8]);
    expect(() => layer.forward(x, { training: true })).toThrow(WasmOutOfMemoryError);
    layer.dispose();
    b.release(x);
    expect(b.stats().tensors).toBe(1); // only `keep`: the layer's workspaces and the reserve were released
    const y = b.tensor([2, 2], [1, 2, 3, 4]);
    b.scale(y, 2, y);
    expect(Array.from(b.read(y))).toEqual([2, 4, 6, 8]);
    b.release(y);
    b.release(keep);
    expect(b.stats().tensors).toBe(0);
  });
});
