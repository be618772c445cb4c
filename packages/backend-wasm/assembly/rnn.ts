// Fused simple RNN over a whole sequence: h_t = act(x_t W + h_{t-1} U + b). Threads split each step by batch rows. The outputs themselves store the
// pre-activations until the activation overwrites them, and act' is taken from h_t, so no reserve is needed.
import { activation, activationGrad, sumRows, transpose } from './ops';
import { gemmRows } from './gemm';
import { JOB_RNN_BACK_STEP, JOB_RNN_STEP, pgemm, runJob, splitsRows, stepJob } from './par';
import { addStepGrad, al, lengthOf, previousHidden, stateAtLength } from './seq';

/** Step t for batch rows [b0, b1): their rows of h_{t-1} U added to the projection, then the activation. */
function stepRows(b0: i32, b1: i32, T: i32, t: i32, H: i32, act: i32, U: usize, out: usize, h0: usize, lens: usize): void {
  const Hb = <usize>H * 4;
  const hp = t == 0 ? h0 : out + <usize>(t - 1) * Hb;
  const hpl = t == 0 ? H : T * H;
  gemmRows(b0, b1, H, H, hp, hpl, false, U, H, false, out + <usize>t * Hb, T * H, 1, 1, 0);
  for (let b = b0; b < b1; b++) {
    const o = out + <usize>(b * T + t) * Hb;
    if (t >= lengthOf(lens, b, T)) memory.fill(o, 0, Hb);
    else activation(act, o, o, H);
  }
}

/** A thread's share of a forward step; the arguments are in the job block p (see rnnForward). */
export function rnnStepRows(b0: i32, b1: i32, p: usize): void {
  stepRows(
    b0, b1, load<i32>(p, 4), load<i32>(p, 8), load<i32>(p, 12), load<i32>(p, 16),
    load<usize>(p, 24), load<usize>(p, 28), load<usize>(p, 32), load<usize>(p, 36),
  );
}

export function rnnForward(
  B: i32, T: i32, I: i32, H: i32, act: i32,
  W: usize, U: usize, bias: usize, x: usize, h0: usize, out: usize, hT: usize, lens: usize,
): void {
  pgemm(B * T, H, I, x, I, false, W, H, false, out, H, 1, 0, bias);
  const split = splitsRows(B, <i64>B * <i64>H * <i64>H);
  for (let t = 0; t < T; t++) {
    if (split) {
      const p = stepJob(T, t, H, act, 0); // no recurrent activation: its slot stays unused
      store<usize>(p, U, 24);
      store<usize>(p, out, 28);
      store<usize>(p, h0, 32);
      store<usize>(p, lens, 36);
      runJob(JOB_RNN_STEP, B);
    } else stepRows(0, B, T, t, H, act, U, out, h0, lens);
  }
  stateAtLength(out, H, 0, lens, B, T, H, hT);
}

/** Backward step t for batch rows [b0, b1): their activation gradients, then their rows of dh_{t-1} = dA_t U^T. */
function backStepRows(b0: i32, b1: i32, T: i32, t: i32, H: i32, act: i32, out: usize, dA: usize, UT: usize, dh: usize): void {
  const Hb = <usize>H * 4;
  // padded rows: dh is zero there, so dA is too
  for (let b = b0; b < b1; b++) {
    const o = <usize>(b * T + t) * Hb;
    activationGrad(act, out + o, dh + <usize>b * Hb, dA + o, H);
  }
  gemmRows(b0, b1, H, H, dA + <usize>t * Hb, T * H, false, UT, H, false, dh, H, 1, 0, 0);
}

/** A thread's share of a backward step; the arguments are in the job block p (see rnnBackward). */
export function rnnBackStepRows(b0: i32, b1: i32, p: usize): void {
  backStepRows(
    b0, b1, load<i32>(p, 4), load<i32>(p, 8), load<i32>(p, 12), load<i32>(p, 16),
    load<usize>(p, 24), load<usize>(p, 28), load<usize>(p, 32), load<usize>(p, 36),
  );
}

/** Scratch bytes rnnBackward needs: dA [B*T, H], U^T [H, H], dh [B, H], h_{t-1} [B*T, H]. */
export function rnnBackwardScratch(B: i32, T: i32, H: i32): usize {
  const BT = <usize>(B * T);
  const h = <usize>H;
  return 2 * al(BT * h * 4) + al(h * h * 4) + al(<usize>B * h * 4);
}

export function rnnBackward(
  B: i32, T: i32, I: i32, H: i32, act: i32,
  W: usize, U: usize, x: usize, h0: usize, out: usize, lens: usize,
  dOut: usize, dhT: usize, dW: usize, dU: usize, dBias: usize, dx: usize, dh0: usize, norms: usize, ws: usize,
): void {
  const Hb = <usize>H * 4;
  const BT = <usize>(B * T);
  const dA = ws;
  const UT = dA + al(BT * Hb);
  const dh = UT + al(<usize>H * Hb);
  const hp = dh + al(<usize>B * Hb);
  transpose(U, H, H, UT);
  const split = splitsRows(B, <i64>B * <i64>H * <i64>H);
  memory.fill(dh, 0, <usize>B * Hb);
  for (let t = T - 1; t >= 0; t--) {
    const nrm = addStepGrad(dh, dOut, dhT, lens, t, B, T, H);
    if (norms) store<f64>(norms + <usize>t * 8, nrm);
    if (split) {
      const p = stepJob(T, t, H, act, 0); // no recurrent activation: its slot stays unused
      store<usize>(p, out, 24);
      store<usize>(p, dA, 28);
      store<usize>(p, UT, 32);
      store<usize>(p, dh, 36);
      runJob(JOB_RNN_BACK_STEP, B);
    } else backStepRows(0, B, T, t, H, act, out, dA, UT, dh);
  }
  if (dh0) memory.copy(dh0, dh, <usize>B * Hb);
  previousHidden(out, h0, B, T, H, hp);
  pgemm(I, H, B * T, x, I, true, dA, H, false, dW, H, 1, 1, 0);
  pgemm(H, H, B * T, hp, H, true, dA, H, false, dU, H, 1, 1, 0);
  sumRows(dA, B * T, H, H, dBias, 1);
  if (dx) pgemm(B * T, I, H, dA, H, false, W, H, true, dx, I, 1, 0, 0);
}
