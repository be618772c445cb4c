// Grow-only scratch arrays for the fused kernels: allocated on first use, reused by later calls,
// so the time loop never allocates.
import type { FloatArray } from '@rnn/core';

export class Scratch {
  private readonly arrays = new Map<string, FloatArray>();
  constructor(private readonly Ctor: Float32ArrayConstructor | Float64ArrayConstructor) {}

  get(name: string, size: number): FloatArray {
    let a = this.arrays.get(name);
    if (!a || a.length < size) {
      a = new this.Ctor(size);
      this.arrays.set(name, a);
    }
    return a;
  }

  /** A zero-filled scratch array of exactly `size` usable elements. */
  zeros(name: string, size: number): FloatArray {
    const a = this.get(name, size);
    a.fill(0, 0, size);
    return a;
  }

  bytes(): number {
    let n = 0;
    for (const a of this.arrays.values()) n += a.byteLength;
    return n;
  }

  clear(): void {
    this.arrays.clear();
  }
}

/** out[j] += sum over rows of M[rows, n] (leading dim ld, column offset off). */
export function addColumnSums(M: FloatArray, rows: number, n: number, ld: number, off: number, out: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * ld + off;
    for (let j = 0; j < n; j++) out[j] += M[o + j];
  }
}

/** dst[k, n] = transpose of src[n, k] (row-major). */
export function transpose(src: FloatArray, n: number, k: number, dst: FloatArray): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) dst[j * n + i] = src[i * k + j];
}

/** Hidden state before each step, as a [B*T, H] matrix: h0 for t = 0, else out[b, t-1]. */
export function previousHidden(out: FloatArray, h0: FloatArray, B: number, T: number, H: number, dst: FloatArray): void {
  for (let b = 0; b < B; b++) {
    dst.set(h0.subarray(b * H, b * H + H), b * T * H);
    if (T > 1) dst.set(out.subarray(b * T * H, (b * T + T - 1) * H), (b * T + 1) * H);
  }
}

/** dh[b, :] += dOut[b, t, :] (when given), then returns ||dh|| for the per-step gradient norm. */
export function addStepGrad(dh: FloatArray, dOut: FloatArray | null, t: number, B: number, T: number, H: number): number {
  let s = 0;
  for (let b = 0; b < B; b++) {
    const o = (b * T + t) * H;
    for (let j = 0; j < H; j++) {
      const v = dOut ? dh[b * H + j] + dOut[o + j] : dh[b * H + j];
      dh[b * H + j] = v;
      s += v * v;
    }
  }
  return Math.sqrt(s);
}
