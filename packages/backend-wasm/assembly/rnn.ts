// Fused simple RNN over a whole sequence: h_t = act(x_t W + h_{t-1} U + b). The outputs themselves store the
// pre-activations until the activation overwrites them, and act' is taken from h_t, so no reserve is needed.
import { activation, activationGrad, sumRows, transpose } from './ops';
import { pgemm } from './par';
import { addStepGrad, al, lengthOf, previousHidden, stateAtLength } from './seq';

export function rnnForward(
  B: i32, T: i32, I: i32, H: i32, act: i32,
  W: usize, U: usize, bias: usize, x: usize, h0: usize, out: usize, hT: usize, lens: usize,
): void {
  const Hb = <usize>H * 4;
  pgemm(B * T, H, I, x, I, false, W, H, false, out, H, 1, 0, bias);
  for (let t = 0; t < T; t++) {
    const hp = t == 0 ? h0 : out + <usize>(t - 1) * Hb;
    const hpl = t == 0 ? H : T * H;
    pgemm(B, H, H, hp, hpl, false, U, H, false, out + <usize>t * Hb, T * H, 1, 1, 0);
    for (let b = 0; b < B; b++) {
      const o = out + <usize>(b * T + t) * Hb;
      if (t >= lengthOf(lens, b, T)) memory.fill(o, 0, Hb);
      else activation(act, o, o, H);
    }
  }
  stateAtLength(out, H, 0, lens, B, T, H, hT);
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
  memory.fill(dh, 0, <usize>B * Hb);
  for (let t = T - 1; t >= 0; t--) {
    const nrm = addStepGrad(dh, dOut, dhT, lens, t, B, T, H);
    if (norms) store<f64>(norms + <usize>t * 8, nrm);
    // padded rows: dh is zero there, so dA is too
    for (let b = 0; b < B; b++) {
      const o = <usize>(b * T + t) * Hb;
      activationGrad(act, out + o, dh + <usize>b * Hb, dA + o, H);
    }
    pgemm(B, H, H, dA + <usize>t * Hb, T * H, false, UT, H, false, dh, H, 1, 0, 0);
  }
  if (dh0) memory.copy(dh0, dh, <usize>B * Hb);
  previousHidden(out, h0, B, T, H, hp);
  pgemm(I, H, B * T, x, I, true, dA, H, false, dW, H, 1, 1, 0);
  pgemm(H, H, B * T, hp, H, true, dA, H, false, dU, H, 1, 1, 0);
  sumRows(dA, B * T, H, H, dBias, 1);
  if (dx) pgemm(B * T, I, H, dA, H, false, W, H, true, dx, I, 1, 0, 0);
}
