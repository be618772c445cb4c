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

/**
 * The gradient arriving at h_t: dh[b] += dOut[b, t] for valid steps, and the final-state gradient dhT[b] at
 * each sample's last step (t = len_b - 1). Padded steps (t >= len_b) get zero. Returns ||dh|| (the per-step norm).
 */
export function addStepGrad(
  dh: FloatArray, dOut: FloatArray | null, dhT: FloatArray | null, lengths: Int32Array | null,
  t: number, B: number, T: number, H: number,
): number {
  let s = 0;
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b] : T;
    const o = (b * T + t) * H;
    if (t >= len) {
      dh.fill(0, b * H, b * H + H);
      continue;
    }
    const last = t === len - 1;
    for (let j = 0; j < H; j++) {
      let v = dh[b * H + j];
      if (dOut) v += dOut[o + j];
      if (last && dhT) v += dhT[b * H + j];
      dh[b * H + j] = v;
      s += v * v;
    }
  }
  return Math.sqrt(s);
}

/** Copies each sample's state at its last valid step (len_b - 1) from rows of src ([B*T, *], ld, offset). */
export function stateAtLength(
  src: FloatArray, ld: number, off: number, lengths: Int32Array | null,
  B: number, T: number, H: number, dst: FloatArray,
): void {
  for (let b = 0; b < B; b++) {
    const r = (b * T + (lengths ? lengths[b] : T) - 1) * ld + off;
    dst.set(src.subarray(r, r + H), b * H);
  }
}
