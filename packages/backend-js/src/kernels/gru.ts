// Fused GRU over a whole sequence, both variants. Gate order z, r, n. Reserve row (b*T + t) holds
// [z r n | ahn] for reset-after (ahn = h U_n + bh_n, the term the reset multiplies) and
// [z r n | r⊙h] for reset-before (the reset hidden state that U_n multiplies).
import { activationFn, activationGradFn } from './activations.js';
import { gemm } from './gemm.js';
import { addColumnSums, addStepGrad, previousHidden, stateAtLength, transpose } from './scratch.js';
import { type FusedKernel, padded, type SeqBackward, type SeqForward } from './sequence.js';

const hPrevAt = (out: Float32Array | Float64Array, h0: Float32Array | Float64Array, b: number, t: number, T: number, H: number, j: number): number =>
  t === 0 ? h0[b * H + j] : out[(b * T + t - 1) * H + j];

export const gruKernel: FusedKernel = {
  reservePerStep: (H) => 4 * H,

  forward({ B, T, I, H, act, rec, W, U, bias, recBias, x, h0, out, hT, R, scratch, lengths }: SeqForward) {
    const G = 3 * H;
    const L = 4 * H;
    const sg = activationFn(rec);
    const th = activationFn(act);
    gemm(B * T, G, I, x, 0, I, false, W, 0, G, false, R, 0, L, 1, 0, bias);
    const hu = scratch.get('gru.hu', B * G);
    for (let t = 0; t < T; t++) {
      // h_{t-1}: h0, or step t-1 of the output (rows T*H apart)
      const hp = t === 0 ? h0 : out;
      const hpo = t === 0 ? 0 : (t - 1) * H;
      const hpl = t === 0 ? H : T * H;
      if (recBias) {
        // reset after: all three blocks of h U + bh in one GEMM
        gemm(B, G, H, hp, hpo, hpl, false, U, 0, G, false, hu, 0, G, 1, 0, recBias);
        for (let b = 0; b < B; b++) {
          const r = (b * T + t) * L;
          const q = b * G;
          if (padded(lengths, b, t)) {
            out.fill(0, (b * T + t) * H, (b * T + t + 1) * H);
            continue;
          }
          for (let j = 0; j < H; j++) {
            const z = sg(R[r + j] + hu[q + j]);
            const rg = sg(R[r + H + j] + hu[q + H + j]);
            const ahn = hu[q + 2 * H + j];
            const n = th(R[r + 2 * H + j] + rg * ahn);
            R[r + j] = z;
            R[r + H + j] = rg;
            R[r + 2 * H + j] = n;
            R[r + 3 * H + j] = ahn;
            out[(b * T + t) * H + j] = n + z * (hPrevAt(out, h0, b, t, T, H, j) - n);
          }
        }
      } else {
        // reset before: z and r blocks first, then (r ⊙ h) U_n on the n block only
        gemm(B, 2 * H, H, hp, hpo, hpl, false, U, 0, G, false, hu, 0, 2 * H);
        for (let b = 0; b < B; b++) {
          const r = (b * T + t) * L;
          const q = b * 2 * H;
          for (let j = 0; j < H; j++) {
            const z = sg(R[r + j] + hu[q + j]);
            const rg = sg(R[r + H + j] + hu[q + H + j]);
            R[r + j] = z;
            R[r + H + j] = rg;
            R[r + 3 * H + j] = rg * hPrevAt(out, h0, b, t, T, H, j);
          }
        }
        gemm(B, H, H, R, t * L + 3 * H, T * L, false, U, 2 * H, G, false, hu, 0, H);
        for (let b = 0; b < B; b++) {
          const r = (b * T + t) * L;
          if (padded(lengths, b, t)) {
            out.fill(0, (b * T + t) * H, (b * T + t + 1) * H);
            continue;
          }
          for (let j = 0; j < H; j++) {
            const n = th(R[r + 2 * H + j] + hu[b * H + j]);
            R[r + 2 * H + j] = n;
            out[(b * T + t) * H + j] = n + R[r + j] * (hPrevAt(out, h0, b, t, T, H, j) - n);
          }
        }
      }
    }
    stateAtLength(out, H, 0, lengths, B, T, H, hT);
  },

  backward(a: SeqBackward) {
    const { B, T, I, H, act, rec, W, U, recBias, x, h0, out, R, scratch, dOut, norms, lengths } = a;
    const G = 3 * H;
    const L = 4 * H;
    const dsg = activationGradFn(rec);
    const dth = activationGradFn(act);
    const dAx = scratch.get('gru.dAx', B * T * G);
    const UT = scratch.get('gru.UT', G * H);
    transpose(U, H, G, UT);
    const dh = scratch.zeros('gru.dh', B * H);
    const dAh = recBias ? scratch.get('gru.dAh', B * T * G) : null;
    const drh = recBias ? null : scratch.get('gru.drh', B * H);
    for (let t = T - 1; t >= 0; t--) {
      const norm = addStepGrad(dh, dOut, a.dhT, lengths, t, B, T, H);
      if (norms) norms[t] = norm;
      for (let b = 0; b < B; b++) {
        const r = (b * T + t) * L;
        const d = (b * T + t) * G;
        if (padded(lengths, b, t)) {
          dAx.fill(0, d, d + G);
          dAh?.fill(0, d, d + G);
          continue;
        }
        for (let j = 0; j < H; j++) {
          const z = R[r + j];
          const n = R[r + 2 * H + j];
          const g = dh[b * H + j];
          const dz = dsg(z) * g * (hPrevAt(out, h0, b, t, T, H, j) - n);
          const dn = dth(n) * g * (1 - z);
          dAx[d + j] = dz;
          dAx[d + 2 * H + j] = dn;
          dh[b * H + j] = g * z; // direct path to h_{t-1}; the recurrent GEMM adds the rest
          if (dAh) {
            const rg = R[r + H + j];
            const dr = dsg(rg) * dn * R[r + 3 * H + j];
            dAx[d + H + j] = dr;
            dAh[d + j] = dz;
            dAh[d + H + j] = dr;
            dAh[d + 2 * H + j] = dn * rg;
          }
        }
      }
      if (dAh) {
        gemm(B, H, G, dAh, t * G, T * G, false, UT, 0, H, false, dh, 0, H, 1, 1);
      } else {
        // d(r ⊙ h) = dn U_n^T, then dr and the reset path to h_{t-1}
        gemm(B, H, H, dAx, t * G + 2 * H, T * G, false, UT, 2 * H * H, H, false, drh!, 0, H);
        for (let b = 0; b < B; b++) {
          const r = (b * T + t) * L;
          const d = (b * T + t) * G;
          if (padded(lengths, b, t)) continue; // dAx row already zero, so drh row is zero
          for (let j = 0; j < H; j++) {
            const rg = R[r + H + j];
            const g = drh![b * H + j];
            dAx[d + H + j] = dsg(rg) * g * hPrevAt(out, h0, b, t, T, H, j);
            dh[b * H + j] += g * rg;
          }
        }
        gemm(B, H, 2 * H, dAx, t * G, T * G, false, UT, 0, H, false, dh, 0, H, 1, 1);
      }
    }
    if (a.dh0) a.dh0.set(dh.subarray(0, B * H));
    const hp = scratch.get('gru.hPrev', B * T * H);
    previousHidden(out, h0, B, T, H, hp);
    gemm(I, G, B * T, x, 0, I, true, dAx, 0, G, false, a.dW, 0, G, 1, 1);
    addColumnSums(dAx, B * T, G, G, 0, a.dBias);
    if (dAh) {
      gemm(H, G, B * T, hp, 0, H, true, dAh, 0, G, false, a.dU, 0, G, 1, 1);
      addColumnSums(dAh, B * T, G, G, 0, a.dRecBias!);
    } else {
      gemm(H, 2 * H, B * T, hp, 0, H, true, dAx, 0, G, false, a.dU, 0, G, 1, 1);
      gemm(H, H, B * T, R, 3 * H, L, true, dAx, 2 * H, G, false, a.dU, 2 * H, G, 1, 1);
    }
    if (a.dx) gemm(B * T, I, G, dAx, 0, G, false, W, 0, G, true, a.dx, 0, I);
  },
};
