// Fused simple RNN over a whole sequence: the outputs themselves are the pre-activations' storage
// (h_t = act(a_t) is written over a_t), and act' is taken from h_t, so no reserve is needed.
import { activationFn, activationGradFn } from './activations.js';
import { gemm } from './gemm.js';
import { addColumnSums, addStepGrad, previousHidden, stateAtLength, transpose } from './scratch.js';
import { type FusedKernel, padded, type SeqBackward, type SeqForward } from './sequence.js';

export const rnnKernel: FusedKernel = {
  reservePerStep: () => 0,

  forward({ B, T, I, H, act, W, U, bias, x, h0, out, hT, lengths }: SeqForward) {
    const f = activationFn(act);
    gemm(B * T, H, I, x, 0, I, false, W, 0, H, false, out, 0, H, 1, 0, bias);
    for (let t = 0; t < T; t++) {
      // h_{t-1}: h0, or step t-1 of the output (rows T*H apart)
      const hp = t === 0 ? h0 : out;
      const hpo = t === 0 ? 0 : (t - 1) * H;
      const hpl = t === 0 ? H : T * H;
      gemm(B, H, H, hp, hpo, hpl, false, U, 0, H, false, out, t * H, T * H, 1, 1);
      for (let b = 0; b < B; b++) {
        const o = (b * T + t) * H;
        if (padded(lengths, b, t)) out.fill(0, o, o + H);
        else for (let j = 0; j < H; j++) out[o + j] = f(out[o + j]);
      }
    }
    stateAtLength(out, H, 0, lengths, B, T, H, hT);
  },

  backward(a: SeqBackward) {
    const { B, T, I, H, act, W, U, x, h0, out, scratch, dOut, norms, lengths } = a;
    const df = activationGradFn(act);
    const dA = scratch.get('rnn.dA', B * T * H);
    const UT = scratch.get('rnn.UT', H * H);
    transpose(U, H, H, UT);
    const dh = scratch.zeros('rnn.dh', B * H);
    for (let t = T - 1; t >= 0; t--) {
      const norm = addStepGrad(dh, dOut, a.dhT, lengths, t, B, T, H);
      if (norms) norms[t] = norm;
      for (let b = 0; b < B; b++) {
        const o = (b * T + t) * H;
        // padded rows: dh is zero there, so dA is too
        for (let j = 0; j < H; j++) dA[o + j] = df(out[o + j]) * dh[b * H + j];
      }
      gemm(B, H, H, dA, t * H, T * H, false, UT, 0, H, false, dh, 0, H);
    }
    if (a.dh0) a.dh0.set(dh.subarray(0, B * H));
    const hp = scratch.get('rnn.hPrev', B * T * H);
    previousHidden(out, h0, B, T, H, hp);
    gemm(I, H, B * T, x, 0, I, true, dA, 0, H, false, a.dW, 0, H, 1, 1);
    gemm(H, H, B * T, hp, 0, H, true, dA, 0, H, false, a.dU, 0, H, 1, 1);
    addColumnSums(dA, B * T, H, H, 0, a.dBias);
    if (a.dx) gemm(B * T, I, H, dA, 0, H, false, W, 0, H, true, a.dx, 0, I);
  },
};
