// Fused LSTM over a whole sequence. Gate order i, f, g, o. Reserve row (b*T + t) holds
// [i f g o | c | tanh(c)] (6H floats): activated gates, the cell state and its activation (as backend-js).
// The gate loops run four hidden units per f32x4; the last H mod 4 units go through the same code with
// partial loads and stores (ldn / stn).
import { vact, vdact } from './math';
import { sumRows, transpose } from './ops';
import { gemmRows } from './gemm';
import { JOB_LSTM_BACK_STEP, JOB_LSTM_STEP, pgemm, runJob, splitsRows, stepJob } from './par';
import { addStepGrad, al, ldn, lengthOf, previousHidden, stateAtLength, stn } from './seq';
import { madd } from './simd';

// @ts-ignore: decorator
@inline function gates(r: usize, cp: usize, o: usize, Hb: usize, k: usize, cnt: i32, act: i32, rec: i32): void {
  const i = vact(rec, ldn(r + k, cnt));
  const f = vact(rec, ldn(r + Hb + k, cnt));
  const g = vact(act, ldn(r + 2 * Hb + k, cnt));
  const og = vact(rec, ldn(r + 3 * Hb + k, cnt));
  const c = madd(f, ldn(cp + k, cnt), f32x4.mul(i, g));
  const tc = vact(act, c);
  stn(r + k, i, cnt);
  stn(r + Hb + k, f, cnt);
  stn(r + 2 * Hb + k, g, cnt);
  stn(r + 3 * Hb + k, og, cnt);
  stn(r + 4 * Hb + k, c, cnt);
  stn(r + 5 * Hb + k, tc, cnt);
  stn(o + k, f32x4.mul(og, tc), cnt);
}

/** Step t for batch rows [b0, b1): their rows of the recurrent GEMM (R_t += h_{t-1} U), then their gates. */
function stepRows(
  b0: i32, b1: i32, T: i32, t: i32, H: i32, act: i32, rec: i32,
  U: usize, R: usize, out: usize, h0: usize, c0: usize, lens: usize,
): void {
  const G = 4 * H;
  const L = 6 * H;
  const Hb = <usize>H * 4;
  const Lb = <usize>L * 4;
  const hp = t == 0 ? h0 : out + <usize>(t - 1) * Hb;
  const hpl = t == 0 ? H : T * H;
  gemmRows(b0, b1, G, H, hp, hpl, false, U, G, false, R + <usize>t * Lb, T * L, 1, 1, 0);
  for (let b = b0; b < b1; b++) {
    const row = <usize>(b * T + t);
    const r = R + row * Lb;
    const o = out + row * Hb;
    if (t >= lengthOf(lens, b, T)) {
      memory.fill(o, 0, Hb); // padding: zero output; the state stops at the last valid step
      continue;
    }
    const cp = t == 0 ? c0 + <usize>b * Hb : r - Lb + 4 * Hb;
    let j = 0;
    for (; j + 4 <= H; j += 4) gates(r, cp, o, Hb, <usize>j * 4, 4, act, rec);
    if (j < H) gates(r, cp, o, Hb, <usize>j * 4, H - j, act, rec);
  }
}

/** A thread's share of a forward step; the arguments are in the job block p (see lstmForward). */
export function lstmStepRows(b0: i32, b1: i32, p: usize): void {
  stepRows(
    b0, b1, load<i32>(p, 4), load<i32>(p, 8), load<i32>(p, 12), load<i32>(p, 16), load<i32>(p, 20),
    load<usize>(p, 24), load<usize>(p, 28), load<usize>(p, 32), load<usize>(p, 36), load<usize>(p, 40), load<usize>(p, 44),
  );
}

/** Forward over [B, T, I]; R is the reserve [B*T, 6H] (training) or scratch of the same size (inference). */
export function lstmForward(
  B: i32, T: i32, I: i32, H: i32, act: i32, rec: i32,
  W: usize, U: usize, bias: usize, x: usize, h0: usize, c0: usize,
  out: usize, hT: usize, cT: usize, R: usize, lens: usize,
): void {
  const G = 4 * H;
  const L = 6 * H;
  const Hb = <usize>H * 4;
  const Lb = <usize>L * 4;
  // input projection for all steps at once: R[:, 0:4H] = x W + b
  pgemm(B * T, G, I, x, I, false, W, G, false, R, L, 1, 0, bias);
  const split = splitsRows(B, <i64>B * <i64>G * <i64>H);
  for (let t = 0; t < T; t++) {
    if (split) {
      // each thread: its rows of h_{t-1} U, then their gates (see lstmStepRows)
      const p = stepJob(T, t, H, act, rec);
      store<usize>(p, U, 24);
      store<usize>(p, R, 28);
      store<usize>(p, out, 32);
      store<usize>(p, h0, 36);
      store<usize>(p, c0, 40);
      store<usize>(p, lens, 44);
      runJob(JOB_LSTM_STEP, B);
    } else stepRows(0, B, T, t, H, act, rec, U, R, out, h0, c0, lens);
  }
  stateAtLength(out, H, 0, lens, B, T, H, hT);
  stateAtLength(R, L, 4 * H, lens, B, T, H, cT);
}

// @ts-ignore: decorator
@inline function gatesBack(r: usize, cp: usize, dh: usize, dc: usize, d: usize, Hb: usize, k: usize, cnt: i32, act: i32, rec: i32): void {
  const i = ldn(r + k, cnt);
  const f = ldn(r + Hb + k, cnt);
  const g = ldn(r + 2 * Hb + k, cnt);
  const o = ldn(r + 3 * Hb + k, cnt);
  const tc = ldn(r + 5 * Hb + k, cnt);
  const gh = ldn(dh + k, cnt);
  const gc = madd(f32x4.mul(vdact(act, tc), gh), o, ldn(dc + k, cnt));
  stn(d + k, f32x4.mul(f32x4.mul(vdact(rec, i), gc), g), cnt);
  stn(d + Hb + k, f32x4.mul(f32x4.mul(vdact(rec, f), gc), ldn(cp + k, cnt)), cnt);
  stn(d + 2 * Hb + k, f32x4.mul(f32x4.mul(vdact(act, g), gc), i), cnt);
  stn(d + 3 * Hb + k, f32x4.mul(f32x4.mul(vdact(rec, o), gh), tc), cnt);
  stn(dc + k, f32x4.mul(gc, f), cnt);
}

/** Backward step t for batch rows [b0, b1): their gate gradients into dA_t, then their rows of dh_{t-1} = dA_t U^T. */
function backStepRows(
  b0: i32, b1: i32, T: i32, t: i32, H: i32, act: i32, rec: i32,
  R: usize, dA: usize, UT: usize, dh: usize, dc: usize, c0: usize, dcT: usize, lens: usize,
): void {
  const G = 4 * H;
  const L = 6 * H;
  const Hb = <usize>H * 4;
  const Lb = <usize>L * 4;
  const Gb = <usize>G * 4;
  for (let b = b0; b < b1; b++) {
    const row = <usize>(b * T + t);
    const r = R + row * Lb;
    const d = dA + row * Gb;
    const len = lengthOf(lens, b, T);
    if (t >= len) {
      memory.fill(d, 0, Gb);
      continue;
    }
    const dcb = dc + <usize>b * Hb;
    const dhb = dh + <usize>b * Hb;
    if (dcT && t == len - 1) {
      const s = dcT + <usize>b * Hb;
      let j = 0;
      for (; j + 4 <= H; j += 4) stn(dcb + <usize>j * 4, f32x4.add(ldn(dcb + <usize>j * 4, 4), ldn(s + <usize>j * 4, 4)), 4);
      if (j < H) stn(dcb + <usize>j * 4, f32x4.add(ldn(dcb + <usize>j * 4, H - j), ldn(s + <usize>j * 4, H - j)), H - j);
    }
    const cp = t == 0 ? c0 + <usize>b * Hb : r - Lb + 4 * Hb;
    let j = 0;
    for (; j + 4 <= H; j += 4) gatesBack(r, cp, dhb, dcb, d, Hb, <usize>j * 4, 4, act, rec);
    if (j < H) gatesBack(r, cp, dhb, dcb, d, Hb, <usize>j * 4, H - j, act, rec);
  }
  gemmRows(b0, b1, H, G, dA + <usize>t * Gb, T * G, false, UT, H, false, dh, H, 1, 0, 0);
}

/** A thread's share of a backward step; the arguments are in the job block p (see lstmBackward). */
export function lstmBackStepRows(b0: i32, b1: i32, p: usize): void {
  backStepRows(
    b0, b1, load<i32>(p, 4), load<i32>(p, 8), load<i32>(p, 12), load<i32>(p, 16), load<i32>(p, 20),
    load<usize>(p, 24), load<usize>(p, 28), load<usize>(p, 32), load<usize>(p, 36), load<usize>(p, 40), load<usize>(p, 44),
    load<usize>(p, 48), load<usize>(p, 52),
  );
}

/** Scratch bytes lstmBackward needs: dA [B*T, 4H], U^T [4H, H], dh and dc [B, H], h_{t-1} [B*T, H]. */
export function lstmBackwardScratch(B: i32, T: i32, H: i32): usize {
  const BT = <usize>(B * T);
  const h = <usize>H;
  return al(BT * 4 * h * 4) + al(4 * h * h * 4) + 2 * al(<usize>B * h * 4) + al(BT * h * 4);
}

/** Full BPTT. Accumulates into dW, dU, dBias; overwrites dx, dh0, dc0 (each 0 when not wanted); norms: f64 [T] or 0. */
export function lstmBackward(
  B: i32, T: i32, I: i32, H: i32, act: i32, rec: i32,
  W: usize, U: usize, x: usize, h0: usize, c0: usize, out: usize, R: usize, lens: usize,
  dOut: usize, dhT: usize, dcT: usize, dW: usize, dU: usize, dBias: usize,
  dx: usize, dh0: usize, dc0: usize, norms: usize, ws: usize,
): void {
  const G = 4 * H;
  const L = 6 * H;
  const Hb = <usize>H * 4;
  const Lb = <usize>L * 4;
  const Gb = <usize>G * 4;
  const BT = <usize>(B * T);
  const dA = ws;
  const UT = dA + al(BT * Gb);
  const dh = UT + al(<usize>G * Hb);
  const dc = dh + al(<usize>B * Hb);
  const hp = dc + al(<usize>B * Hb);
  transpose(U, H, G, UT);
  const split = splitsRows(B, <i64>B * <i64>G * <i64>H);
  memory.fill(dh, 0, <usize>B * Hb);
  memory.fill(dc, 0, <usize>B * Hb);
  for (let t = T - 1; t >= 0; t--) {
    const nrm = addStepGrad(dh, dOut, dhT, lens, t, B, T, H);
    if (norms) store<f64>(norms + <usize>t * 8, nrm);
    if (split) {
      // each thread: the gate gradients of its rows, then their rows of dh_{t-1} = dA_t U^T (see backStepRows)
      const p = stepJob(T, t, H, act, rec);
      store<usize>(p, R, 24);
      store<usize>(p, dA, 28);
      store<usize>(p, UT, 32);
      store<usize>(p, dh, 36);
      store<usize>(p, dc, 40);
      store<usize>(p, c0, 44);
      store<usize>(p, dcT, 48);
      store<usize>(p, lens, 52);
      runJob(JOB_LSTM_BACK_STEP, B);
    } else backStepRows(0, B, T, t, H, act, rec, R, dA, UT, dh, dc, c0, dcT, lens);
  }
  if (dh0) memory.copy(dh0, dh, <usize>B * Hb);
  if (dc0) memory.copy(dc0, dc, <usize>B * Hb);
  previousHidden(out, h0, B, T, H, hp);
  pgemm(I, G, B * T, x, I, true, dA, G, false, dW, G, 1, 1, 0);
  pgemm(H, G, B * T, hp, H, true, dA, G, false, dU, G, 1, 1, 0);
  sumRows(dA, B * T, G, G, dBias, 1);
  if (dx) pgemm(B * T, I, G, dA, G, false, W, G, true, dx, I, 1, 0, 0);
}
