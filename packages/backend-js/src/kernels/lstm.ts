// Fused LSTM over a whole sequence. Gate order i, f, g, o. Reserve row (b*T + t) holds
// [i f g o | c | tanh(c)] (6H): activated gates, the cell state and its activation.
import { activationFn, activationGradFn } from './activations.js';
import { gemm } from './gemm.js';
import { addColumnSums, addStepGrad, previousHidden, stateAtLength, transpose } from './scratch.js';
import { type FusedKernel, padded, type SeqBackward, type SeqForward } from './sequence.js';

export const lstmKernel: FusedKernel = {
  reservePerStep: (H) => 6 * H,

  forward({ B, T, I, H, act, rec, W, U, bias, x, h0, c0, out, hT, cT, R, lengths }: SeqForward) {
    const G = 4 * H;
    const L = 6 * H;
    const sg = activationFn(rec);
    const th = activationFn(act);
    // Input projection for all steps at once: R[:, 0:4H] = x W + b.
    gemm(B * T, G, I, x, 0, I, false, W, 0, G, false, R, 0, L, 1, 0, bias);
    for (let t = 0; t < T; t++) {
      // h_{t-1}: h0, or step t-1 of the output (rows T*H apart)
      const hp = t === 0 ? h0 : out;
      const hpo = t === 0 ? 0 : (t - 1) * H;
      const hpl = t === 0 ? H : T * H;
      gemm(B, G, H, hp, hpo, hpl, false, U, 0, G, false, R, t * L, T * L, 1, 1);
      for (let b = 0; b < B; b++) {
        const r = (b * T + t) * L;
        const cp = t === 0 ? -1 : r - L + 4 * H;
        const o = (b * T + t) * H;
        if (padded(lengths, b, t)) {
          out.fill(0, o, o + H); // padding: zero output; the state stops at the last valid step
          continue;
        }
        for (let j = 0; j < H; j++) {
          const i = sg(R[r + j]);
          const f = sg(R[r + H + j]);
          const g = th(R[r + 2 * H + j]);
          const og = sg(R[r + 3 * H + j]);
          const c = f * (cp < 0 ? (c0 as Float32Array)[b * H + j] : R[cp + j]) + i * g;
          const tc = th(c);
          R[r + j] = i;
          R[r + H + j] = f;
          R[r + 2 * H + j] = g;
          R[r + 3 * H + j] = og;
          R[r + 4 * H + j] = c;
          R[r + 5 * H + j] = tc;
          out[o + j] = og * tc;
        }
      }
    }
    stateAtLength(out, H, 0, lengths, B, T, H, hT);
    stateAtLength(R, L, 4 * H, lengths, B, T, H, cT as Float32Array);
  },

  backward(a: SeqBackward) {
    const { B, T, I, H, act, rec, W, U, x, h0, c0, out, R, scratch, dOut, norms, lengths } = a;
    const G = 4 * H;
    const L = 6 * H;
    const dsg = activationGradFn(rec);
    const dth = activationGradFn(act);
    const dA = scratch.get('lstm.dA', B * T * G);
    const UT = scratch.get('lstm.UT', G * H);
    transpose(U, H, G, UT);
    const dh = scratch.zeros('lstm.dh', B * H);
    const dc = scratch.zeros('lstm.dc', B * H);
    for (let t = T - 1; t >= 0; t--) {
      const norm = addStepGrad(dh, dOut, a.dhT, lengths, t, B, T, H);
      if (norms) norms[t] = norm;
      for (let b = 0; b < B; b++) {
        const r = (b * T + t) * L;
        const cp = t === 0 ? -1 : r - L + 4 * H;
        const d = (b * T + t) * G;
        if (padded(lengths, b, t)) {
          dA.fill(0, d, d + G);
          continue;
        }
        if (a.dcT && t === (lengths ? lengths[b] : T) - 1) for (let j = 0; j < H; j++) dc[b * H + j] += a.dcT[b * H + j];
        for (let j = 0; j < H; j++) {
          const i = R[r + j];
          const f = R[r + H + j];
          const g = R[r + 2 * H + j];
          const o = R[r + 3 * H + j];
          const tc = R[r + 5 * H + j];
          const gh = dh[b * H + j];
          const gc = dc[b * H + j] + dth(tc) * gh * o;
          const cPrev = cp < 0 ? (c0 as Float32Array)[b * H + j] : R[cp + j];
          dA[d + j] = dsg(i) * gc * g;
          dA[d + H + j] = dsg(f) * gc * cPrev;
          dA[d + 2 * H + j] = dth(g) * gc * i;
          dA[d + 3 * H + j] = dsg(o) * gh * tc;
          dc[b * H + j] = gc * f;
        }
      }
      gemm(B, H, G, dA, t * G, T * G, false, UT, 0, H, false, dh, 0, H);
    }
    if (a.dh0) a.dh0.set(dh.subarray(0, B * H));
    if (a.dc0) a.dc0.set(dc.subarray(0, B * H));
    const hp = scratch.get('lstm.hPrev', B * T * H);
    previousHidden(out, h0, B, T, H, hp);
    gemm(I, G, B * T, x, 0, I, true, dA, 0, G, false, a.dW, 0, G, 1, 1);
    gemm(H, G, B * T, hp, 0, H, true, dA, 0, G, false, a.dU, 0, G, 1, 1);
    addColumnSums(dA, B * T, G, G, 0, a.dBias);
    if (a.dx) gemm(B * T, I, G, dA, 0, G, false, W, 0, G, true, a.dx, 0, I);
  },
};
