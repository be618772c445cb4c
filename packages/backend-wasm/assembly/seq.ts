// Helpers shared by the fused sequence kernels. Sequences are batch-major [B, T, F]: row (b*T + t).
// lens: i32 per-sample lengths (end padding) or 0 for all T.

// @ts-ignore: decorator
@inline export function lengthOf(lens: usize, b: i32, T: i32): i32 {
  return lens ? load<i32>(lens + <usize>b * 4) : T;
}

/** Loads cnt (1..4) floats; lanes past cnt are 0. With cnt == 4 (a constant after inlining) one vector load. */
// @ts-ignore: decorator
@inline export function ldn(p: usize, cnt: i32): v128 {
  if (cnt >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (cnt > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (cnt > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first cnt (1..4) lanes. */
// @ts-ignore: decorator
@inline export function stn(p: usize, v: v128, cnt: i32): void {
  if (cnt >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (cnt > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (cnt > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// @ts-ignore: decorator
@inline function squares64(v: v128, acc: v128): v128 {
  const lo = f64x2.promote_low_f32x4(v);
  const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
}

// @ts-ignore: decorator
@inline function stepGradGroup(dh: usize, o: usize, dt: usize, k: usize, cnt: i32, acc: v128): v128 {
  let v = ldn(dh + k, cnt);
  if (o) v = f32x4.add(v, ldn(o + k, cnt));
  if (dt) v = f32x4.add(v, ldn(dt + k, cnt));
  stn(dh + k, v, cnt);
  return squares64(v, acc);
}

/**
 * The gradient arriving at h_t: dh[b] += dOut[b, t] for valid steps, plus dhT[b] at each sample's last step;
 * padded steps get zero. Returns ||dh|| (float64).
 */
export function addStepGrad(dh: usize, dOut: usize, dhT: usize, lens: usize, t: i32, B: i32, T: i32, H: i32): f64 {
  const Hb = <usize>H * 4;
  let acc = f64x2.splat(0);
  for (let b = 0; b < B; b++) {
    const len = lengthOf(lens, b, T);
    const dr = dh + <usize>b * Hb;
    if (t >= len) {
      memory.fill(dr, 0, Hb);
      continue;
    }
    const o = dOut ? dOut + <usize>(b * T + t) * Hb : 0;
    const dt = dhT && t == len - 1 ? dhT + <usize>b * Hb : 0;
    let j = 0;
    for (; j + 4 <= H; j += 4) acc = stepGradGroup(dr, o, dt, <usize>j * 4, 4, acc);
    if (j < H) acc = stepGradGroup(dr, o, dt, <usize>j * 4, H - j, acc);
  }
  return Math.sqrt(f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
}

/** dst [B*T, H]: the hidden state before each step (h0 for t = 0, else out[b, t-1]). */
export function previousHidden(out: usize, h0: usize, B: i32, T: i32, H: i32, dst: usize): void {
  const Hb = <usize>H * 4;
  for (let b = 0; b < B; b++) {
    const base = <usize>(b * T) * Hb;
    memory.copy(dst + base, h0 + <usize>b * Hb, Hb);
    if (T > 1) memory.copy(dst + base + Hb, out + base, <usize>(T - 1) * Hb);
  }
}

/** dst[b] = the H values at column offset off of row (b*T + len_b - 1) of src (leading dimension ld). */
export function stateAtLength(src: usize, ld: i32, off: i32, lens: usize, B: i32, T: i32, H: i32, dst: usize): void {
  for (let b = 0; b < B; b++) {
    const row = <usize>(b * T + lengthOf(lens, b, T) - 1);
    memory.copy(dst + <usize>b * <usize>H * 4, src + (row * <usize>ld + <usize>off) * 4, <usize>H * 4);
  }
}

/** Bytes rounded up to 16. */
// @ts-ignore: decorator
@inline export function al(bytes: usize): usize {
  return (bytes + 15) & ~15;
}
