// Fused GRU over a whole sequence, both variants (threads split each step by batch rows). Gate order z, r, n. Reserve row (b*T + t) holds
// [z r n | ahn] for reset-after (ahn = h U_n + bh_n, the term the reset multiplies) and
// [z r n | r*h] for reset-before (the reset hidden state that U_n multiplies), as backend-js.
import { vact, vdact } from './math';
import { sumRows, transpose } from './ops';
import { gemmRows } from './gemm';
import { JOB_GRU_BACK_STEP, JOB_GRU_STEP, pgemm, runJob, splitsRows, stepJob } from './par';
import { addStepGrad, al, ldn, lengthOf, previousHidden, stateAtLength, stn } from './seq';
import { madd } from './simd';

// @ts-ignore: decorator
@inline function gatesAfter(r: usize, q: usize, hp: usize, o: usize, Hb: usize, k: usize, cnt: i32, act: i32, rec: i32): void {
  const z = vact(rec, f32x4.add(ldn(r + k, cnt), ldn(q + k, cnt)));
  const rg = vact(rec, f32x4.add(ldn(r + Hb + k, cnt), ldn(q + Hb + k, cnt)));
  const ahn = ldn(q + 2 * Hb + k, cnt);
  const n = vact(act, madd(rg, ahn, ldn(r + 2 * Hb + k, cnt)));
  stn(r + k, z, cnt);
  stn(r + Hb + k, rg, cnt);
  stn(r + 2 * Hb + k, n, cnt);
  stn(r + 3 * Hb + k, ahn, cnt);
  stn(o + k, madd(z, f32x4.sub(ldn(hp + k, cnt), n), n), cnt);
}

// @ts-ignore: decorator
@inline function gatesBefore1(r: usize, q: usize, hp: usize, Hb: usize, k: usize, cnt: i32, rec: i32): void {
  const z = vact(rec, f32x4.add(ldn(r + k, cnt), ldn(q + k, cnt)));
  const rg = vact(rec, f32x4.add(ldn(r + Hb + k, cnt), ldn(q + Hb + k, cnt)));
  stn(r + k, z, cnt);
  stn(r + Hb + k, rg, cnt);
  stn(r + 3 * Hb + k, f32x4.mul(rg, ldn(hp + k, cnt)), cnt);
}

// @ts-ignore: decorator
@inline function gatesBefore2(r: usize, q: usize, hp: usize, o: usize, Hb: usize, k: usize, cnt: i32, act: i32): void {
  const n = vact(act, f32x4.add(ldn(r + 2 * Hb + k, cnt), ldn(q + k, cnt)));
  stn(r + 2 * Hb + k, n, cnt);
  stn(o + k, madd(ldn(r + k, cnt), f32x4.sub(ldn(hp + k, cnt), n), n), cnt);
}

/** Scratch bytes gruForward needs besides the reserve: h U for one step [B, 2H or 3H] (row b at b * 3H). */
export function gruForwardScratch(B: i32, H: i32): usize {
  return al(<usize>(B * 3 * H) * 4);
}

/**
 * Step t for batch rows [b0, b1): their rows of the recurrent GEMM(s), then their gates. Every row's scratch
 * (hu row b at b * 3H) belongs to it alone, so threads taking different rows never touch the same memory.
 */
function stepRows(
  b0: i32, b1: i32, T: i32, t: i32, H: i32, act: i32, rec: i32, resetAfter: bool,
  U: usize, recBias: usize, R: usize, out: usize, h0: usize, hu: usize, lens: usize,
): void {
  const G = 3 * H;
  const L = 4 * H;
  const Hb = <usize>H * 4;
  const Lb = <usize>L * 4;
  const Gb = <usize>G * 4;
  // h_{t-1}: h0, or step t-1 of the output (rows T*H apart)
  const hp = t == 0 ? h0 : out + <usize>(t - 1) * Hb;
  const hpl = t == 0 ? H : T * H;
  if (resetAfter) {
    // all three blocks of h U + bh in one GEMM
    gemmRows(b0, b1, G, H, hp, hpl, false, U, G, false, hu, G, 1, 0, recBias);
    for (let b = b0; b < b1; b++) {
      const row = <usize>(b * T + t);
      const o = out + row * Hb;
      if (t >= lengthOf(lens, b, T)) {
        memory.fill(o, 0, Hb);
        continue;
      }
      const r = R + row * Lb;
      const q = hu + <usize>b * Gb;
      const hpb = hp + <usize>b * <usize>hpl * 4;
      let j = 0;
      for (; j + 4 <= H; j += 4) gatesAfter(r, q, hpb, o, Hb, <usize>j * 4, 4, act, rec);
      if (j < H) gatesAfter(r, q, hpb, o, Hb, <usize>j * 4, H - j, act, rec);
    }
  } else {
    // reset before: z and r blocks first, then (r * h) U_n on the n block only
    gemmRows(b0, b1, 2 * H, H, hp, hpl, false, U, G, false, hu, G, 1, 0, 0);
    for (let b = b0; b < b1; b++) {
      const r = R + <usize>(b * T + t) * Lb;
      const q = hu + <usize>b * Gb;
      const hpb = hp + <usize>b * <usize>hpl * 4;
      let j = 0;
      for (; j + 4 <= H; j += 4) gatesBefore1(r, q, hpb, Hb, <usize>j * 4, 4, rec);
      if (j < H) gatesBefore1(r, q, hpb, Hb, <usize>j * 4, H - j, rec);
    }
    gemmRows(b0, b1, H, H, R + <usize>t * Lb + 3 * Hb, T * L, false, U + 2 * Hb, G, false, hu + 2 * Hb, G, 1, 0, 0);
    for (let b = b0; b < b1; b++) {
      const row = <usize>(b * T + t);
      const o = out + row * Hb;
      if (t >= lengthOf(lens, b, T)) {
        memory.fill(o, 0, Hb);
        continue;
      }
      const r = R + row * Lb;
      const q = hu + <usize>b * Gb + 2 * Hb;
      const hpb = hp + <usize>b * <usize>hpl * 4;
      let j = 0;
      for (; j + 4 <= H; j += 4) gatesBefore2(r, q, hpb, o, Hb, <usize>j * 4, 4, act);
      if (j < H) gatesBefore2(r, q, hpb, o, Hb, <usize>j * 4, H - j, act);
    }
  }
}

/** A thread's share of a forward step; the arguments are in the job block p (see gruForward). */
export function gruStepRows(b0: i32, b1: i32, p: usize): void {
  stepRows(
    b0, b1, load<i32>(p, 4), load<i32>(p, 8), load<i32>(p, 12), load<i32>(p, 16), load<i32>(p, 20), load<i32>(p, 24) != 0,
    load<usize>(p, 28), load<usize>(p, 32), load<usize>(p, 36), load<usize>(p, 40), load<usize>(p, 44), load<usize>(p, 48),
    load<usize>(p, 52),
  );
}

export function gruForward(
  B: i32, T: i32, I: i32, H: i32, act: i32, rec: i32, resetAfter: bool,
  W: usize, U: usize, bias: usize, recBias: usize, x: usize, h0: usize,
  out: usize, hT: usize, R: usize, lens: usize, ws: usize,
): void {
  const G = 3 * H;
  const L = 4 * H;
  pgemm(B * T, G, I, x, I, false, W, G, false, R, L, 1, 0, bias);
  const split = splitsRows(B, <i64>B * <i64>G * <i64>H);
  for (let t = 0; t < T; t++) {
    if (split) {
      const p = stepJob(T, t, H, act, rec);
      store<i32>(p, resetAfter ? 1 : 0, 24);
      store<usize>(p, U, 28);
      store<usize>(p, recBias, 32);
      store<usize>(p, R, 36);
      store<usize>(p, out, 40);
      store<usize>(p, h0, 44);
      store<usize>(p, ws, 48);
      store<usize>(p, lens, 52);
      runJob(JOB_GRU_STEP, B);
    } else stepRows(0, B, T, t, H, act, rec, resetAfter, U, recBias, R, out, h0, ws, lens);
  }
  stateAtLength(out, H, 0, lens, B, T, H, hT);
}

// @ts-ignore: decorator
@inline function backGates(
  r: usize, hp: usize, dh: usize, d: usize, dAh: usize, Hb: usize, k: usize, cnt: i32, act: i32, rec: i32,
): void {
  const z = ldn(r + k, cnt);
  const n = ldn(r + 2 * Hb + k, cnt);
  const g = ldn(dh + k, cnt);
  const dz = f32x4.mul(f32x4.mul(vdact(rec, z), g), f32x4.sub(ldn(hp + k, cnt), n));
  const dn = f32x4.mul(f32x4.mul(vdact(act, n), g), f32x4.sub(f32x4.splat(1), z));
  stn(d + k, dz, cnt);
  stn(d + 2 * Hb + k, dn, cnt);
  stn(dh + k, f32x4.mul(g, z), cnt); // direct path to h_{t-1}; the recurrent GEMM adds the rest
  if (dAh) {
    const rg = ldn(r + Hb + k, cnt);
    const dr = f32x4.mul(f32x4.mul(vdact(rec, rg), dn), ldn(r + 3 * Hb + k, cnt));
    stn(d + Hb + k, dr, cnt);
    stn(dAh + k, dz, cnt);
    stn(dAh + Hb + k, dr, cnt);
    stn(dAh + 2 * Hb + k, f32x4.mul(dn, rg), cnt);
  }
}

// @ts-ignore: decorator
@inline function backReset(r: usize, hp: usize, drh: usize, dh: usize, d: usize, Hb: usize, k: usize, cnt: i32, rec: i32): void {
  const rg = ldn(r + Hb + k, cnt);
  const g = ldn(drh + k, cnt);
  stn(d + Hb + k, f32x4.mul(f32x4.mul(vdact(rec, rg), g), ldn(hp + k, cnt)), cnt);
  stn(dh + k, madd(g, rg, ldn(dh + k, cnt)), cnt);
}

/**
 * Backward step t for batch rows [b0, b1): their gate gradients, then their rows of dh_{t-1} (and, reset-before,
 * of d(r * h) first). Rows are independent, so the split does not change a bit of the result.
 */
function backStepRows(
  b0: i32, b1: i32, T: i32, t: i32, H: i32, act: i32, rec: i32,
  h0: usize, out: usize, R: usize, dAx: usize, dAh: usize, drh: usize, UT: usize, dh: usize, lens: usize,
): void {
  const G = 3 * H;
  const L = 4 * H;
  const Hb = <usize>H * 4;
  const Lb = <usize>L * 4;
  const Gb = <usize>G * 4;
  for (let b = b0; b < b1; b++) {
    const row = <usize>(b * T + t);
    const d = dAx + row * Gb;
    const dah = dAh ? dAh + row * Gb : 0;
    if (t >= lengthOf(lens, b, T)) {
      memory.fill(d, 0, Gb);
      if (dah) memory.fill(dah, 0, Gb);
      continue;
    }
    const r = R + row * Lb;
    const hp = t == 0 ? h0 + <usize>b * Hb : out + (row - 1) * Hb;
    const dhb = dh + <usize>b * Hb;
    let j = 0;
    for (; j + 4 <= H; j += 4) backGates(r, hp, dhb, d, dah, Hb, <usize>j * 4, 4, act, rec);
    if (j < H) backGates(r, hp, dhb, d, dah, Hb, <usize>j * 4, H - j, act, rec);
  }
  if (dAh) {
    gemmRows(b0, b1, H, G, dAh + <usize>t * Gb, T * G, false, UT, H, false, dh, H, 1, 1, 0);
    return;
  }
  // d(r * h) = dn U_n^T, then dr and the reset path to h_{t-1}
  gemmRows(b0, b1, H, H, dAx + <usize>t * Gb + 2 * Hb, T * G, false, UT + 2 * <usize>H * Hb, H, false, drh, H, 1, 0, 0);
  for (let b = b0; b < b1; b++) {
    const row = <usize>(b * T + t);
    if (t >= lengthOf(lens, b, T)) continue; // dAx row already zero, so the drh row is zero
    const r = R + row * Lb;
    const d = dAx + row * Gb;
    const hp = t == 0 ? h0 + <usize>b * Hb : out + (row - 1) * Hb;
    const dhb = dh + <usize>b * Hb;
    const g = drh + <usize>b * Hb;
    let j = 0;
    for (; j + 4 <= H; j += 4) backReset(r, hp, g, dhb, d, Hb, <usize>j * 4, 4, rec);
    if (j < H) backReset(r, hp, g, dhb, d, Hb, <usize>j * 4, H - j, rec);
  }
  gemmRows(b0, b1, H, 2 * H, dAx + <usize>t * Gb, T * G, false, UT, H, false, dh, H, 1, 1, 0);
}

/** A thread's share of a backward step; the arguments are in the job block p (see gruBackward). */
export function gruBackStepRows(b0: i32, b1: i32, p: usize): void {
  backStepRows(
    b0, b1, load<i32>(p, 4), load<i32>(p, 8), load<i32>(p, 12), load<i32>(p, 16), load<i32>(p, 20),
    load<usize>(p, 24), load<usize>(p, 28), load<usize>(p, 32), load<usize>(p, 36), load<usize>(p, 40), load<usize>(p, 44),
    load<usize>(p, 48), load<usize>(p, 52), load<usize>(p, 56),
  );
}

/**
 * Scratch bytes gruBackward needs: dAx [B*T, 3H], U^T [3H, H], dh [B, H], h_{t-1} [B*T, H], and dAh [B*T, 3H]
 * (reset-after) or d(r*h) [B, H] (reset-before).
 */
export function gruBackwardScratch(B: i32, T: i32, H: i32, resetAfter: bool): usize {
  const BT = <usize>(B * T);
  const h = <usize>H;
  const extra = resetAfter ? al(BT * 3 * h * 4) : al(<usize>B * h * 4);
  return al(BT * 3 * h * 4) + al(3 * h * h * 4) + al(<usize>B * h * 4) + al(BT * h * 4) + extra;
}

export function gruBackward(
  B: i32, T: i32, I: i32, H: i32, act: i32, rec: i32, resetAfter: bool,
  W: usize, U: usize, x: usize, h0: usize, out: usize, R: usize, lens: usize,
  dOut: usize, dhT: usize, dW: usize, dU: usize, dBias: usize, dRecBias: usize,
  dx: usize, dh0: usize, norms: usize, ws: usize,
): void {
  const G = 3 * H;
  const L = 4 * H;
  const Hb = <usize>H * 4;
  const Gb = <usize>G * 4;
  const BT = <usize>(B * T);
  const dAx = ws;
  const UT = dAx + al(BT * Gb);
  const dh = UT + al(<usize>G * Hb);
  const hpAll = dh + al(<usize>B * Hb);
  const extra = hpAll + al(BT * Hb);
  const dAh: usize = resetAfter ? extra : 0;
  const drh: usize = resetAfter ? 0 : extra;
  transpose(U, H, G, UT);
  const split = splitsRows(B, <i64>B * <i64>G * <i64>H);
  memory.fill(dh, 0, <usize>B * Hb);
  for (let t = T - 1; t >= 0; t--) {
    const nrm = addStepGrad(dh, dOut, dhT, lens, t, B, T, H);
    if (norms) store<f64>(norms + <usize>t * 8, nrm);
    if (split) {
      const p = stepJob(T, t, H, act, rec);
      store<usize>(p, h0, 24);
      store<usize>(p, out, 28);
      store<usize>(p, R, 32);
      store<usize>(p, dAx, 36);
      store<usize>(p, dAh, 40);
      store<usize>(p, drh, 44);
      store<usize>(p, UT, 48);
      store<usize>(p, dh, 52);
      store<usize>(p, lens, 56);
      runJob(JOB_GRU_BACK_STEP, B);
    } else backStepRows(0, B, T, t, H, act, rec, h0, out, R, dAx, dAh, drh, UT, dh, lens);
  }
  if (dh0) memory.copy(dh0, dh, <usize>B * Hb);
  previousHidden(out, h0, B, T, H, hpAll);
  pgemm(I, G, B * T, x, I, true, dAx, G, false, dW, G, 1, 1, 0);
  sumRows(dAx, B * T, G, G, dBias, 1);
  if (dAh) {
    pgemm(H, G, B * T, hpAll, H, true, dAh, G, false, dU, G, 1, 1, 0);
    sumRows(dAh, B * T, G, G, dRecBias, 1);
  } else {
    pgemm(H, 2 * H, B * T, hpAll, H, true, dAx, G, false, dU, G, 1, 1, 0);
    pgemm(H, H, B * T, R + 3 * <usize>Hb, L, true, dAx + 2 * Hb, G, false, dU + 2 * Hb, G, 1, 1, 0);
  }
  if (dx) pgemm(B * T, I, G, dAx, G, false, W, G, true, dx, I, 1, 0, 0);
}
