// GRU (Cho et al. 2014). Canonical gate order z, r, n (update, reset, candidate) — the order of Keras,
// TF.js and ONNX; PyTorch stores r, z, n and is converted at the edges.
//   z = σ(x W_z + h U_z + b_z)     r = σ(x W_r + h U_r + b_r)
//   resetAfter (PyTorch, Keras 3, cuDNN):  n = tanh(x W_n + b_n + r ⊙ (h U_n + bh_n))   (two biases)
//   reset before (TF.js, Keras reset_after=False): n = tanh(x W_n + b_n + (r ⊙ h) U_n)  (one bias)
//   h_t = z ⊙ h_{t-1} + (1 − z) ⊙ n
import type { Activation, Backend, Tensor } from '../../backend/contract.js';
import { zeros } from '../../init/initializers.js';
import type { Cell, CellConfig, StepBackward, StepForward } from '../cell.js';
import { activationOption, type BaseCellOptions, checkSizes, hiddenShapes, standardParams } from '../common.js';

export interface GruOptions extends BaseCellOptions {
  /** Candidate activation; default tanh. */
  activation?: Activation;
  /** Gate activation; default sigmoid. */
  recurrentActivation?: Activation;
  /** Reset after the recurrent matmul (PyTorch / Keras 3 default). Default true. */
  resetAfter?: boolean;
}

const GATES = ['z', 'r', 'n'] as const;

export function gru(options: GruOptions): Cell {
  const { inputSize, hiddenSize: H } = checkSizes('gru', options);
  const act = activationOption('gru.activation', options.activation, 'tanh');
  const rec = activationOption('gru.recurrentActivation', options.recurrentActivation, 'sigmoid');
  const resetAfter = options.resetAfter ?? true;
  const params = standardParams(options, 3);
  if (resetAfter) params.push({ name: 'recurrentBias', shape: [3 * H], init: options.biasInitializer ?? zeros() });

  const forwardAfter = (b: Backend, { params: p, x, prev, next, cache, ws }: StepForward): void => {
    const B = x.shape[0];
    const ax = ws.get('ax', [B, 3 * H]);
    const ah = ws.get('ah', [B, 3 * H]);
    const [axz, axr, axn, ahz, ahr] = ['axz', 'axr', 'axn', 'ahz', 'ahr'].map((n) => ws.get(n, [B, H]));
    const { z, r, n, ahn } = cache;
    b.gemm(x, p.kernel, ax, { bias: p.bias });
    b.gemm(prev[0], p.recurrentKernel, ah, { bias: p.recurrentBias });
    b.split(ax, [axz, axr, axn]);
    b.split(ah, [ahz, ahr, ahn]);
    b.add(axz, ahz, z);
    b.activation(rec, z, z);
    b.add(axr, ahr, r);
    b.activation(rec, r, r);
    b.mul(r, ahn, n);
    b.add(n, axn, n);
    b.activation(act, n, n);
    blend(b, z, prev[0], n, next[0]);
  };

  const forwardBefore = (b: Backend, { params: p, x, prev, next, cache, ws }: StepForward): void => {
    const B = x.shape[0];
    const ax = ws.get('ax', [B, 3 * H]);
    const hu = ws.get('hu', [B, 3 * H]);
    const [axz, axr, axn, huz, hur, hun] = ['axz', 'axr', 'axn', 'huz', 'hur', 'hun'].map((k) => ws.get(k, [B, H]));
    const { z, r, n, rh } = cache;
    b.gemm(x, p.kernel, ax, { bias: p.bias });
    b.split(ax, [axz, axr, axn]);
    b.gemm(prev[0], p.recurrentKernel, hu);
    b.split(hu, [huz, hur, hun]);
    b.add(axz, huz, z);
    b.activation(rec, z, z);
    b.add(axr, hur, r);
    b.activation(rec, r, r);
    b.mul(r, prev[0], rh);
    // (r ⊙ h) U: the z and r columns of this product are computed and discarded; the composed path favours
    // plain primitives over a column-offset GEMM (fused kernels do only the n block).
    b.gemm(rh, p.recurrentKernel, hu);
    b.split(hu, [huz, hur, hun]);
    b.add(axn, hun, n);
    b.activation(act, n, n);
    blend(b, z, prev[0], n, next[0]);
  };

  const backward = (b: Backend, s: StepBackward): void => {
    const { params: p, x, prev, cache, ws, grads, dNext, dPrev, dx } = s;
    const B = x.shape[0];
    const { z, r, n } = cache;
    const dh = dNext[0];
    const hPrev = prev[0];
    const [dz, dr, dn, t] = ['dz', 'dr', 'dn', 't'].map((k) => ws.get(k, [B, H]));
    const dax = ws.get('dax', [B, 3 * H]);
    const dah = ws.get('dah', [B, 3 * H]);
    // dz = dh ⊙ (h_prev − n);  dn = dh ⊙ (1 − z)
    b.sub(hPrev, n, dz);
    b.mul(dz, dh, dz);
    b.activationGrad(rec, z, dz, dz);
    b.mul(dh, z, t);
    b.sub(dh, t, dn);
    b.activationGrad(act, n, dn, dn);
    // direct path to h_prev: dh ⊙ z
    b.copy(t, dPrev[0]);
    if (resetAfter) {
      b.mul(dn, cache.ahn, dr);
      b.activationGrad(rec, r, dr, dr);
      b.concat([dz, dr, dn], dax);
      b.mul(dn, r, t);
      b.concat([dz, dr, t], dah);
      b.gemm(hPrev, dah, grads.recurrentKernel, { transA: true, beta: 1 });
      b.sumRows(dah, grads.recurrentBias, 1);
      b.gemm(dah, p.recurrentKernel, dPrev[0], { transB: true, beta: 1 });
    } else {
      // d(r ⊙ h) = dn U_n^T, via the full U with zero z/r columns.
      b.fill(t, 0);
      b.concat([t, t, dn], dah);
      const drh = ws.get('drh', [B, H]);
      b.gemm(dah, p.recurrentKernel, drh, { transB: true });
      b.gemm(cache.rh, dah, grads.recurrentKernel, { transA: true, beta: 1 });
      b.mul(drh, hPrev, dr);
      b.activationGrad(rec, r, dr, dr);
      b.addMul(drh, r, dPrev[0]);
      b.concat([dz, dr, t], dah);
      b.gemm(hPrev, dah, grads.recurrentKernel, { transA: true, beta: 1 });
      b.gemm(dah, p.recurrentKernel, dPrev[0], { transB: true, beta: 1 });
      b.concat([dz, dr, dn], dax);
    }
    b.gemm(x, dax, grads.kernel, { transA: true, beta: 1 });
    b.sumRows(dax, grads.bias, 1);
    if (dx) b.gemm(dax, p.kernel, dx, { transB: true });
  };

  return {
    kind: 'gru',
    inputSize,
    hiddenSize: H,
    gateLayout: GATES,
    stateNames: ['h'],
    params,
    fused: { kind: 'gru', activation: act, recurrentActivation: rec, resetAfter },
    cacheShapes: (B) => hiddenShapes(['z', 'r', 'n', resetAfter ? 'ahn' : 'rh'], B, H),
    forwardStep: resetAfter ? forwardAfter : forwardBefore,
    backwardStep: backward,
    toConfig: (): CellConfig => ({ kind: 'gru', inputSize, hiddenSize: H, activation: act, recurrentActivation: rec, resetAfter }),
  };
}

/** h = z ⊙ h_prev + (1 − z) ⊙ n  =  n + z ⊙ (h_prev − n) */
function blend(b: Backend, z: Tensor, hPrev: Tensor, n: Tensor, h: Tensor): void {
  b.sub(hPrev, n, h);
  b.mul(z, h, h);
  b.add(h, n, h);
}
