// Element-wise ops, reductions, layout and embedding gather/scatter: SIMD loops with a scalar tail.
// Pointers are byte addresses of f32 data; n, rows and cols count elements. Outputs may alias inputs
// (every loop reads a group before writing it).
import { sact, sdact, vact, vdact } from './math';
import { madd } from './simd';

export function fill(o: usize, n: i32, v: f32): void {
  const vv = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(o + <usize>i * 4, vv);
  for (; i < n; i++) store<f32>(o + <usize>i * 4, v);
}

export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n * 4);
}

/** op: 0 add, 1 sub, 2 mul, 3 addMul (o += a * b). */
export function binary(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  let i = 0;
  if (op == 0) {
    for (; i + 4 <= n; i += 4) {
      const k = <usize>i * 4;
      v128.store(o + k, f32x4.add(v128.load(a + k), v128.load(b + k)));
    }
    for (; i < n; i++) {
      const k = <usize>i * 4;
      store<f32>(o + k, load<f32>(a + k) + load<f32>(b + k));
    }
  } else if (op == 1) {
    for (; i + 4 <= n; i += 4) {
      const k = <usize>i * 4;
      v128.store(o + k, f32x4.sub(v128.load(a + k), v128.load(b + k)));
    }
    for (; i < n; i++) {
      const k = <usize>i * 4;
      store<f32>(o + k, load<f32>(a + k) - load<f32>(b + k));
    }
  } else if (op == 2) {
    for (; i + 4 <= n; i += 4) {
      const k = <usize>i * 4;
      v128.store(o + k, f32x4.mul(v128.load(a + k), v128.load(b + k)));
    }
    for (; i < n; i++) {
      const k = <usize>i * 4;
      store<f32>(o + k, load<f32>(a + k) * load<f32>(b + k));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const k = <usize>i * 4;
      v128.store(o + k, madd(v128.load(a + k), v128.load(b + k), v128.load(o + k)));
    }
    for (; i < n; i++) {
      const k = <usize>i * 4;
      store<f32>(o + k, load<f32>(o + k) + load<f32>(a + k) * load<f32>(b + k));
    }
  }
}

/** y += alpha x */
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    v128.store(y + k, madd(va, v128.load(x + k), v128.load(y + k)));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    store<f32>(y + k, load<f32>(y + k) + alpha * load<f32>(x + k));
  }
}

/** o = alpha x */
export function scale(x: usize, alpha: f32, o: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    v128.store(o + k, f32x4.mul(va, v128.load(x + k)));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    store<f32>(o + k, alpha * load<f32>(x + k));
  }
}

/** o = min(max(x, lo), hi) */
export function clip(x: usize, lo: f32, hi: f32, o: usize, n: i32): void {
  const vl = f32x4.splat(lo);
  const vh = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    v128.store(o + k, f32x4.min(f32x4.max(v128.load(x + k), vl), vh));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    const v = load<f32>(x + k);
    store<f32>(o + k, v < lo ? lo : min(v, hi));
  }
}

export function activation(kind: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    v128.store(o + k, vact(kind, v128.load(x + k)));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    store<f32>(o + k, sact(kind, load<f32>(x + k)));
  }
}

/** o = dy * f'(x) with y = f(x) given. */
export function activationGrad(kind: i32, y: usize, dy: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    v128.store(o + k, f32x4.mul(v128.load(dy + k), vdact(kind, v128.load(y + k))));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    store<f32>(o + k, load<f32>(dy + k) * sdact(kind, load<f32>(y + k)));
  }
}

/** o[j] = beta o[j] + sum_r x[r, j] (x is [rows, cols] with leading dimension ld). */
export function sumRows(x: usize, rows: i32, cols: i32, ld: i32, o: usize, beta: f32): void {
  if (beta == 0) memory.fill(o, 0, <usize>cols * 4);
  else if (beta != 1) scale(o, beta, o, cols);
  const ldb = <usize>ld * 4;
  let j = 0;
  // eight columns at a time in registers, over all rows
  for (; j + 8 <= cols; j += 8) {
    const oj = o + <usize>j * 4;
    let s0 = v128.load(oj);
    let s1 = v128.load(oj, 16);
    let p = x + <usize>j * 4;
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      p += ldb;
    }
    v128.store(oj, s0);
    v128.store(oj, s1, 16);
  }
  for (; j < cols; j++) {
    const oj = o + <usize>j * 4;
    let s = load<f32>(oj);
    let p = x + <usize>j * 4;
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += ldb;
    }
    store<f32>(oj, s);
  }
}

// @ts-ignore: decorator
@inline function squares64(v: v128, acc: v128): v128 {
  const lo = f64x2.promote_low_f32x4(v);
  const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
}

/** sum x^2 accumulated in float64. */
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = squares64(v128.load(x + <usize>i * 4), acc);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + <usize>i * 4);
    s += v * v;
  }
  return s;
}

/** o[r, :] = x[r, :] * m[r] */
export function mulRows(x: usize, m: usize, o: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * <usize>cols * 4;
    scale(x + off, load<f32>(m + <usize>r * 4), o + off, cols);
  }
}

/** dst[r, :cols] = src[r, :cols] (leading dimensions in elements): concat, split, getStep, setStep. */
export function copy2d(src: usize, srcLd: i32, dst: usize, dstLd: i32, rows: i32, cols: i32): void {
  const bytes = <usize>cols * 4;
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * <usize>dstLd * 4, src + <usize>r * <usize>srcLd * 4, bytes);
}

/** dst[r, :cols] += src[r, :cols] */
export function add2d(src: usize, srcLd: i32, dst: usize, dstLd: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const d = dst + <usize>r * <usize>dstLd * 4;
    binary(0, d, src + <usize>r * <usize>srcLd * 4, d, cols);
  }
}

/** o[b, t] = x[b, len_b - 1 - t] for t < len_b, else 0; lens is an i32 array or 0 (all T). o must not alias x. */
export function reverseTime(x: usize, o: usize, B: i32, T: i32, F: i32, lens: usize): void {
  const row = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    const len = lens ? load<i32>(lens + <usize>b * 4) : T;
    const base = <usize>(b * T) * row;
    for (let t = 0; t < len; t++) memory.copy(o + base + <usize>t * row, x + base + <usize>(len - 1 - t) * row, row);
    if (len < T) memory.fill(o + base + <usize>len * row, 0, <usize>(T - len) * row);
  }
}

/** out[i, :] = table[idx[i], :] (indices stored as f32, already validated). */
export function gatherRows(table: usize, E: i32, idx: usize, n: i32, out: usize): void {
  const row = <usize>E * 4;
  for (let i = 0; i < n; i++) {
    const v = <usize>(<i32>load<f32>(idx + <usize>i * 4));
    memory.copy(out + <usize>i * row, table + v * row, row);
  }
}

/** table[idx[i], :] += src[i, :], skipping rows whose index equals skip (when hasSkip). */
export function scatterAddRows(src: usize, idx: usize, n: i32, table: usize, E: i32, skip: i32, hasSkip: bool): void {
  const row = <usize>E * 4;
  for (let i = 0; i < n; i++) {
    const v = <i32>load<f32>(idx + <usize>i * 4);
    if (hasSkip && v == skip) continue;
    const d = table + <usize>v * row;
    binary(0, d, src + <usize>i * row, d, E);
  }
}

/** dst[k, n] = transpose of src[n, k]: 4x4 blocks through shuffles, scalar edges. */
export function transpose(src: usize, n: i32, k: i32, dst: usize): void {
  const sn = <usize>k * 4;
  const dn = <usize>n * 4;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const s0 = src + <usize>i * sn;
    let j = 0;
    for (; j + 4 <= k; j += 4) {
      const s = s0 + <usize>j * 4;
      const x0 = v128.load(s);
      const x1 = v128.load(s + sn);
      const x2 = v128.load(s + 2 * sn);
      const x3 = v128.load(s + 3 * sn);
      const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
      const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
      const d = dst + <usize>j * dn + <usize>i * 4;
      v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
      v128.store(d + dn, i64x2.shuffle(t0, t2, 1, 3));
      v128.store(d + 2 * dn, i64x2.shuffle(t1, t3, 0, 2));
      v128.store(d + 3 * dn, i64x2.shuffle(t1, t3, 1, 3));
    }
    for (; j < k; j++)
      for (let r = 0; r < 4; r++) store<f32>(dst + <usize>j * dn + <usize>(i + r) * 4, load<f32>(s0 + <usize>r * sn + <usize>j * 4));
  }
  for (; i < n; i++)
    for (let j = 0; j < k; j++) store<f32>(dst + <usize>j * dn + <usize>i * 4, load<f32>(src + <usize>i * sn + <usize>j * 4));
}
