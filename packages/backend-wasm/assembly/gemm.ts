// GEMM C = alpha op(A) op(B) + beta C + bias on strided f32 operands in linear memory.
//
// Layout: pointers are byte addresses of element (0, 0); leading dimensions are in elements, so one time step of
// a [B, T, H] sequence is the view (base + t*H*4, ld = T*H) and needs no copy.
//
// Blocking (GotoBLAS order, sized for a 32-48 KB L1 and a >= 512 KB L2):
//   for each NC-column block, for each KC-deep slice of k:
//     pack op(B)[kc, nc] into NR-column panels ([kc][NR], zero-padded). Packing both op(B) = B and B^T makes all
//     four transpose combinations equally fast, and reading B in place was slower anyway: rows 4 KB apart
//     (ldb = 1024) alias in L1;
//     for each MC-row block: pack op(A) into MR-row panels ([kc][MR], zero-padded; 4x4 shuffle transposes);
//       for each NR-column panel of B (kc x NR = 8 KB, stays in L1), for each MR-row panel: micro-kernel.
// Micro-kernel: MR x NR = 4 x 8, eight f32x4 accumulators (+2 B vectors +1 broadcast = 11 of the 16 XMM registers
// V8 allocates), one broadcast load of A per row and two vector loads of B per k step. Edge tiles (m or n not a
// multiple of the tile) run the same kernel into a small tile buffer that is then added to C.
// Fewer than SMALL_M rows (batch 1) skip packing: see smallRows.
// Measured (one Zen 4 core, V8 11.3): ~34 GFLOP/s on 32x320x1024 (m x k x n) in every transpose combination,
// ~45 with relaxed SIMD (FMA).
import { madd } from './simd';

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 512;
/** Below this many rows the operands are used in place (see smallRows). */
const SMALL_M: i32 = 4;

// Workspace (per instance, so every thread has its own): packed A block, packed B block, C edge tile.
let wsA: usize = 0;
let wsB: usize = 0;
let wsC: usize = 0;

export function gemmWorkspaceBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/** Sets this instance's GEMM workspace (gemmWorkspaceBytes() bytes, 16-byte aligned). */
export function gemmSetWorkspace(p: usize): void {
  wsA = p;
  wsB = wsA + <usize>(MC * KC * 4);
  wsC = wsB + <usize>(KC * NC * 4);
}

/**
 * C[m, n] = alpha op(A) op(B) + beta C + bias (bias: a row of n added to every row; 0 for none).
 * C must not overlap A or B.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, bias: usize,
): void {
  gemmRows(0, m, n, k, a, lda, transA, b, ldb, transB, c, ldc, alpha, beta, bias);
}

/** Rows [i0, i1) of gemm(): the unit of work a thread takes. */
export function gemmRows(
  i0: i32, i1: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, bias: usize,
): void {
  if (i1 <= i0 || n <= 0) return;
  prescale(i0, i1, n, c, ldc, beta, bias);
  if (k <= 0 || alpha == 0) return;
  const sai = transA ? 1 : lda;
  const sap = transA ? lda : 1;
  if (i1 - i0 < SMALL_M) {
    smallRows(i0, i1, n, k, a, sai, sap, b, ldb, transB, c, ldc, alpha);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, ldb, transB, pc, kc, jc, nc, wsB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(a, sai, sap, ic, mc, pc, kc, wsA);
        macro(mc, nc, kc, wsA, wsB, c + (<usize>ic * <usize>ldc + <usize>jc) * 4, ldc, alpha);
      }
    }
  }
}

/** C rows [i0, i1) = beta C + bias (beta 0 overwrites, so stale NaNs never survive). */
function prescale(i0: i32, i1: i32, n: i32, c: usize, ldc: i32, beta: f32, bias: usize): void {
  const vb = f32x4.splat(beta);
  for (let i = i0; i < i1; i++) {
    const row = c + <usize>i * <usize>ldc * 4;
    if (beta == 0) {
      if (bias) memory.copy(row, bias, <usize>n * 4);
      else memory.fill(row, 0, <usize>n * 4);
    } else if (beta != 1 || bias) {
      let j = 0;
      if (bias) {
        for (; j + 4 <= n; j += 4) {
          const o = <usize>j * 4;
          v128.store(row + o, madd(vb, v128.load(row + o), v128.load(bias + o)));
        }
        for (; j < n; j++) {
          const o = <usize>j * 4;
          store<f32>(row + o, beta * load<f32>(row + o) + load<f32>(bias + o));
        }
      } else {
        for (; j + 4 <= n; j += 4) {
          const o = <usize>j * 4;
          v128.store(row + o, f32x4.mul(vb, v128.load(row + o)));
        }
        for (; j < n; j++) {
          const o = <usize>j * 4;
          store<f32>(row + o, beta * load<f32>(row + o));
        }
      }
    }
  }
}

/**
 * Fewer rows than a tile (batch 1 or 2): packing would cost as much as the arithmetic, so each row runs on the
 * operands in place: a 1x8 broadcast kernel over the rows of B, or dot products over the rows of B^T.
 * A strided row of op(A) (op(A) = A^T) is first copied, in chunks, to a contiguous buffer.
 */
function smallRows(
  i0: i32, i1: i32, n: i32, k: i32, a: usize, sai: i32, sap: i32,
  b: usize, ldb: i32, transB: bool, c: usize, ldc: i32, alpha: f32,
): void {
  const va = f32x4.splat(alpha);
  const ldbb = <usize>ldb * 4;
  // a strided row is copied in chunks that fit the packed-A buffer
  const chunk = sap == 1 ? k : MC * KC;
  for (let i = i0; i < i1; i++) {
    const cr = c + <usize>i * <usize>ldc * 4;
    for (let p0 = 0; p0 < k; p0 += chunk) {
      const kk = min(chunk, k - p0);
      let ar = a + (<usize>i * <usize>sai + <usize>p0 * <usize>sap) * 4;
      if (sap != 1) {
        for (let p = 0; p < kk; p++) store<f32>(wsA + <usize>p * 4, load<f32>(ar + <usize>p * <usize>sap * 4));
        ar = wsA;
      }
      if (!transB) {
        const bp = b + <usize>p0 * ldbb;
        let j = 0;
        for (; j + 8 <= n; j += 8) row1x8(kk, ar, bp + <usize>j * 4, ldbb, cr + <usize>j * 4, va);
        for (; j < n; j++) {
          let s: f32 = 0;
          for (let p = 0; p < kk; p++) s += load<f32>(ar + <usize>p * 4) * load<f32>(bp + <usize>p * ldbb + <usize>j * 4);
          store<f32>(cr + <usize>j * 4, load<f32>(cr + <usize>j * 4) + alpha * s);
        }
      } else {
        const bp = b + <usize>p0 * 4;
        let j = 0;
        for (; j + 4 <= n; j += 4) dot1x4(kk, ar, bp + <usize>j * ldbb, ldbb, cr + <usize>j * 4, alpha);
        for (; j < n; j++) store<f32>(cr + <usize>j * 4, load<f32>(cr + <usize>j * 4) + alpha * dot(kk, ar, bp + <usize>j * ldbb));
      }
    }
  }
}

/** C[0:8] += alpha * a[0:k] B[0:k, 0:8]; k unrolled by two (four independent accumulators hide the add latency). */
function row1x8(k: i32, a: usize, b: usize, ldb: usize, c: usize, va: v128): void {
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let d0 = c0;
  let d1 = c0;
  let p = 0;
  for (; p + 2 <= k; p += 2) {
    const x = v128.load32_splat(a);
    const y = v128.load32_splat(a, 4);
    c0 = madd(x, v128.load(b), c0);
    c1 = madd(x, v128.load(b, 16), c1);
    const b2 = b + ldb;
    d0 = madd(y, v128.load(b2), d0);
    d1 = madd(y, v128.load(b2, 16), d1);
    a += 8;
    b = b2 + ldb;
  }
  if (p < k) {
    const x = v128.load32_splat(a);
    c0 = madd(x, v128.load(b), c0);
    c1 = madd(x, v128.load(b, 16), c1);
  }
  v128.store(c, madd(va, f32x4.add(c0, d0), v128.load(c)));
  v128.store(c, madd(va, f32x4.add(c1, d1), v128.load(c, 16)), 16);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** C[0:4] += alpha * (a . B[j]) for four rows of B (ldb bytes apart), all contiguous in k. */
function dot1x4(k: i32, a: usize, b: usize, ldb: usize, c: usize, alpha: f32): void {
  const b1 = b + ldb;
  const b2 = b1 + ldb;
  const b3 = b2 + ldb;
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const o = <usize>p * 4;
    const x = v128.load(a + o);
    s0 = madd(x, v128.load(b + o), s0);
    s1 = madd(x, v128.load(b1 + o), s1);
    s2 = madd(x, v128.load(b2 + o), s2);
    s3 = madd(x, v128.load(b3 + o), s3);
  }
  let t0 = hsum(s0);
  let t1 = hsum(s1);
  let t2 = hsum(s2);
  let t3 = hsum(s3);
  for (; p < k; p++) {
    const o = <usize>p * 4;
    const x = load<f32>(a + o);
    t0 += x * load<f32>(b + o);
    t1 += x * load<f32>(b1 + o);
    t2 += x * load<f32>(b2 + o);
    t3 += x * load<f32>(b3 + o);
  }
  store<f32>(c, load<f32>(c) + alpha * t0);
  store<f32>(c, load<f32>(c, 4) + alpha * t1, 4);
  store<f32>(c, load<f32>(c, 8) + alpha * t2, 8);
  store<f32>(c, load<f32>(c, 12) + alpha * t3, 12);
}

function dot(k: i32, a: usize, b: usize): f32 {
  let s = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= k; p += 4) s = madd(v128.load(a + <usize>p * 4), v128.load(b + <usize>p * 4), s);
  let t = hsum(s);
  for (; p < k; p++) t += load<f32>(a + <usize>p * 4) * load<f32>(b + <usize>p * 4);
  return t;
}

/**
 * Packs op(A)[i0 : i0+mc, p0 : p0+kc] into MR-row panels: panel q holds element (r, p) at [q*MR*kc + p*MR + r].
 * Element (i, p) of op(A) is at a + (i*sai + p*sap)*4. Rows past mc are zero.
 */
function packA(a: usize, sai: i32, sap: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    let d = dst + <usize>(ir * kc) * 4;
    const base = a + (<usize>(i0 + ir) * <usize>sai + <usize>p0 * <usize>sap) * 4;
    if (mr == MR && sai == 1) {
      // op(A) = A^T: the MR values of one p are contiguous
      const step = <usize>sap * 4;
      let s = base;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(s));
        s += step;
        d += 16;
      }
    } else if (mr == MR && sap == 1) {
      // op(A) = A: four rows, each contiguous in p; 4x4 transposes through shuffles
      const rs = <usize>sai * 4;
      const r0 = base;
      const r1 = r0 + rs;
      const r2 = r1 + rs;
      const r3 = r2 + rs;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p * 4;
        transpose4(d, 16, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o));
        d += 64;
      }
      for (; p < kc; p++) {
        const o = <usize>p * 4;
        store<f32>(d, load<f32>(r0 + o));
        store<f32>(d, load<f32>(r1 + o), 4);
        store<f32>(d, load<f32>(r2 + o), 8);
        store<f32>(d, load<f32>(r3 + o), 12);
        d += 16;
      }
    } else {
      const si = <usize>sai * 4;
      const sp = <usize>sap * 4;
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(d + <usize>r * 4, r < mr ? load<f32>(base + <usize>r * si + <usize>p * sp) : 0);
        }
        d += 16;
      }
    }
  }
}

/** Stores the transpose of the 4x4 block with rows x0..x3 as four vectors `stride` bytes apart. */
// @ts-ignore: decorator
@inline function transpose4(d: usize, stride: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  // t0 = [x0_0 x1_0 x0_1 x1_1], t1 = [x0_2 x1_2 x0_3 x1_3], t2 / t3 likewise for rows 2 and 3
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(d + stride, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(d + 2 * stride, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(d + 3 * stride, i64x2.shuffle(t1, t3, 1, 3));
}

/**
 * Packs op(B)[p0 : p0+kc, j0 : j0+nc] into NR-column panels: panel q holds element (p, j) at [q*NR*kc + p*NR + j],
 * columns past nc zero. op(B) = B: element (p, j) at b + (p*ldb + j)*4; op(B) = B^T: at b + (j*ldb + p)*4.
 */
function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const ldbb = <usize>ldb * 4;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const panel = dst + <usize>(jr * kc) * 4;
    if (!transB) {
      const base = b + <usize>p0 * ldbb + <usize>(j0 + jr) * 4;
      if (nr == NR) {
        if (jr + 2 * NR <= nc) {
          // two panels per pass: each 64-byte line of B is read once (rows ldb apart can alias in L1)
          const panel2 = panel + <usize>(NR * kc) * 4;
          for (let p = 0; p < kc; p++) {
            const s = base + <usize>p * ldbb;
            const o = <usize>p * 32;
            v128.store(panel + o, v128.load(s));
            v128.store(panel + o, v128.load(s, 16), 16);
            v128.store(panel2 + o, v128.load(s, 32));
            v128.store(panel2 + o, v128.load(s, 48), 16);
          }
          jr += NR;
          continue;
        }
        for (let p = 0; p < kc; p++) {
          const s = base + <usize>p * ldbb;
          const d = panel + <usize>p * 32;
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = base + <usize>p * ldbb;
          const d = panel + <usize>p * 32;
          for (let j = 0; j < NR; j++) store<f32>(d + <usize>j * 4, j < nr ? load<f32>(s + <usize>j * 4) : 0);
        }
      }
    } else {
      const base = b + <usize>(j0 + jr) * ldbb + <usize>p0 * 4;
      if (nr == NR) {
        // eight rows of B, each contiguous in p: two 4x4 transposes per four p
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const s = base + <usize>p * 4;
          const d = panel + <usize>p * 32;
          transpose4(d, 32, v128.load(s), v128.load(s + ldbb), v128.load(s + 2 * ldbb), v128.load(s + 3 * ldbb));
          const s4 = s + 4 * ldbb;
          transpose4(d + 16, 32, v128.load(s4), v128.load(s4 + ldbb), v128.load(s4 + 2 * ldbb), v128.load(s4 + 3 * ldbb));
        }
        for (; p < kc; p++) {
          const d = panel + <usize>p * 32;
          for (let j = 0; j < NR; j++) store<f32>(d + <usize>j * 4, load<f32>(base + <usize>j * ldbb + <usize>p * 4));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = panel + <usize>p * 32;
          for (let j = 0; j < NR; j++) store<f32>(d + <usize>j * 4, j < nr ? load<f32>(base + <usize>j * ldbb + <usize>p * 4) : 0);
        }
      }
    }
  }
}

/** C[mc, nc] += alpha * Apacked[mc, kc] * Bpacked[kc, nc]. */
function macro(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  const ldcb = <usize>ldc * 4;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const bp = pb + <usize>(jr * kc) * 4;
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const ap = pa + <usize>(ir * kc) * 4;
      const cp = c + <usize>ir * ldcb + <usize>jr * 4;
      if (nr == NR && mr == MR) {
        k4x8(kc, ap, bp, 32, cp, ldcb, va, true);
        continue;
      }
      k4x8(kc, ap, bp, 32, wsC, <usize>NR * 4, va, false);
      for (let r = 0; r < mr; r++)
        for (let j = 0; j < nr; j++) {
          const o = cp + <usize>r * ldcb + <usize>j * 4;
          store<f32>(o, load<f32>(o) + alpha * load<f32>(wsC + <usize>(r * NR + j) * 4));
        }
    }
  }
}

/**
 * The 4x8 micro-kernel over a packed A panel ([kc][4]) and a B micro-panel (kc rows of 8, ldb bytes apart).
 * direct: C (ldc bytes) += alpha * acc; otherwise the raw accumulators go to the tile at c.
 */
function k4x8(kc: i32, a: usize, b: usize, ldb: usize, c: usize, ldc: usize, va: v128, direct: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    a += 16;
    b += ldb;
  }
  if (direct) {
    v128.store(c, madd(va, c00, v128.load(c)));
    v128.store(c, madd(va, c01, v128.load(c, 16)), 16);
    c += ldc;
    v128.store(c, madd(va, c10, v128.load(c)));
    v128.store(c, madd(va, c11, v128.load(c, 16)), 16);
    c += ldc;
    v128.store(c, madd(va, c20, v128.load(c)));
    v128.store(c, madd(va, c21, v128.load(c, 16)), 16);
    c += ldc;
    v128.store(c, madd(va, c30, v128.load(c)));
    v128.store(c, madd(va, c31, v128.load(c, 16)), 16);
  } else {
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c, c10, 32);
    v128.store(c, c11, 48);
    v128.store(c, c20, 64);
    v128.store(c, c21, 80);
    v128.store(c, c30, 96);
    v128.store(c, c31, 112);
  }
}

