// Fused simple RNN over a whole sequence: the outputs themselves are the pre-activations' storage
// (h_t = act(a_t) is written over a_t), and act' is taken from h_t, so no reserve is needed.
import { activationFn, activationGradFn } from './activations.js';
import { gemm, view } from './gemm.js';
import { addColumnSums, addStepGrad, previousHidden, transpose } from './scratch.js';
import { type FusedKernel, lastStep, type SeqBackward, type SeqForward } from './sequence.js';

export const rnnKernel: FusedKernel = {
  reservePerStep: () => 0,

  forward({ B, T, I, H, act, W, U, bias, x, h0, out, hT }: SeqForward) {
    const f = activationFn(act);
    gemm(B * T, H, I, view(x, 0, I), false, view(W, 0, H), false, view(out, 0, H), 1, 0, bias);
    for (let t = 0; t < T; t++) {
      const hPrev = t === 0 ? view(h0, 0, H) : view(out, (t - 1) * H, T * H);
      gemm(B, H, H, hPrev, false, view(U, 0, H), false, view(out, t * H, T * H), 1, 1);
      for (let b = 0; b < B; b++) {
        const o = (b * T + t) * H;
        for (let j = 0; j < H; j++) out[o + j] = f(out[o + j]);
      }
    }
    lastStep(out, B, T, H, hT);
  },

  backward(a: SeqBackward) {
    const { B, T, I, H, act, W, U, x, h0, out, scratch, dOut, norms } = a;
    const df = activationGradFn(act);
    const dA = scratch.get('rnn.dA', B * T * H);
    const UT = scratch.get('rnn.UT', H * H);
    transpose(U, H, H, UT);
    const dh = scratch.zeros('rnn.dh', B * H);
    if (a.dhT) dh.set(a.dhT);
    for (let t = T - 1; t >= 0; t--) {
      const norm = addStepGrad(dh, dOut, t, B, T, H);
      if (norms) norms[t] = norm;
      for (let b = 0; b < B; b++) {
        const o = (b * T + t) * H;
        for (let j = 0; j < H; j++) dA[o + j] = df(out[o + j]) * dh[b * H + j];
      }
      gemm(B, H, H, view(dA, t * H, T * H), false, view(UT, 0, H), false, view(dh, 0, H));
    }
    if (a.dh0) a.dh0.set(dh.subarray(0, B * H));
    const hp = scratch.get('rnn.hPrev', B * T * H);
    previousHidden(out, h0, B, T, H, hp);
    gemm(I, H, B * T, view(x, 0, I), true, view(dA, 0, H), false, view(a.dW, 0, H), 1, 1);
    gemm(H, H, B * T, view(hp, 0, H), true, view(dA, 0, H), false, view(a.dU, 0, H), 1, 1);
    addColumnSums(dA, B * T, H, H, 0, a.dBias);
    if (a.dx) gemm(B * T, I, H, view(dA, 0, H), false, view(W, 0, H), true, view(a.dx, 0, I));
  },
};
