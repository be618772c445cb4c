// LSTM (Hochreiter & Schmidhuber; forget gate of Gers et al.). Canonical gate order i, f, g, o
// (input, forget, cell candidate, output) — the order of PyTorch, Keras and TF.js:
//   a = x_t W + h_{t-1} U + b          (W [I, 4H], U [H, 4H], b [4H])
//   i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)
//   c_t = f ⊙ c_{t-1} + i ⊙ g           h_t = o ⊙ tanh(c_t)
import type { Activation, Backend } from '../../backend/contract.js';
import { InvalidArgumentError } from '../../errors.js';
import { gateConstants } from '../../init/initializers.js';
import type { Cell, CellConfig, StepBackward, StepForward } from '../cell.js';
import { activationOption, type BaseCellOptions, checkSizes, hiddenShapes, standardParams } from '../common.js';

export interface LstmOptions extends BaseCellOptions {
  /** Cell-candidate and output activation; default tanh. */
  activation?: Activation;
  /** Gate activation; default sigmoid (TF.js defaults to hardSigmoid; Keras 3's hard_sigmoid is hardSigmoid6). */
  recurrentActivation?: Activation;
  /**
   * Initial forget-gate bias. Default 1 (Jozefowicz et al. 2015; Keras unit_forget_bias); 0 matches PyTorch;
   * larger values (2-5) let an untrained LSTM carry information over long spans, so gradients reach far back.
   * Ignored when biasInitializer is given.
   */
  forgetBias?: number;
}

const GATES = ['i', 'f', 'g', 'o'] as const;

export function lstm(options: LstmOptions): Cell {
  const { inputSize, hiddenSize: H } = checkSizes('lstm', options);
  const act = activationOption('lstm.activation', options.activation, 'tanh');
  const rec = activationOption('lstm.recurrentActivation', options.recurrentActivation, 'sigmoid');
  const forgetBias = options.forgetBias ?? 1;
  if (!Number.isFinite(forgetBias)) throw new InvalidArgumentError('lstm.forgetBias', 'a finite number', forgetBias);
  const params = standardParams(options, 4, gateConstants(GATES, { f: forgetBias }));

  return {
    kind: 'lstm',
    inputSize,
    hiddenSize: H,
    gateLayout: GATES,
    stateNames: ['h', 'c'],
    params,
    fused: { kind: 'lstm', activation: act, recurrentActivation: rec, resetAfter: false },
    // Activated gates and tanh(c_t) are what the backward step needs.
    cacheShapes: (B) => hiddenShapes(['i', 'f', 'g', 'o', 'tc'], B, H),

    forwardStep(b: Backend, { params: p, x, prev, next, cache, ws }: StepForward) {
      const B = x.shape[0];
      const a = ws.get('a', [B, 4 * H]);
      b.gemm(x, p.kernel, a, { bias: p.bias });
      b.gemm(prev[0], p.recurrentKernel, a, { beta: 1 });
      const { i, f, g, o, tc } = cache;
      b.split(a, [i, f, g, o]);
      b.activation(rec, i, i);
      b.activation(rec, f, f);
      b.activation(act, g, g);
      b.activation(rec, o, o);
      const [h, c] = next;
      b.mul(f, prev[1], c);
      b.addMul(i, g, c);
      b.activation(act, c, tc);
      b.mul(o, tc, h);
    },

    backwardStep(b: Backend, { params: p, x, prev, cache, ws, grads, dNext, dPrev, dx }: StepBackward) {
      const B = x.shape[0];
      const { i, f, g, o, tc } = cache;
      const [dh, dc] = dNext;
      const di = ws.get('di', [B, H]);
      const df = ws.get('df', [B, H]);
      const dg = ws.get('dg', [B, H]);
      const dO = ws.get('do', [B, H]);
      // dc += dh ⊙ o ⊙ act'(c)
      b.mul(dh, o, dO);
      b.activationGrad(act, tc, dO, dO);
      b.add(dc, dO, dc);
      // gate gradients, through their activations
      b.mul(dh, tc, dO);
      b.activationGrad(rec, o, dO, dO);
      b.mul(dc, g, di);
      b.activationGrad(rec, i, di, di);
      b.mul(dc, i, dg);
      b.activationGrad(act, g, dg, dg);
      b.mul(dc, prev[1], df);
      b.activationGrad(rec, f, df, df);
      b.mul(dc, f, dPrev[1]);
      const da = ws.get('da', [B, 4 * H]);
      b.concat([di, df, dg, dO], da);
      b.gemm(x, da, grads.kernel, { transA: true, beta: 1 });
      b.gemm(prev[0], da, grads.recurrentKernel, { transA: true, beta: 1 });
      b.sumRows(da, grads.bias, 1);
      if (dx) b.gemm(da, p.kernel, dx, { transB: true });
      b.gemm(da, p.recurrentKernel, dPrev[0], { transB: true });
    },

    toConfig: (): CellConfig => ({ kind: 'lstm', inputSize, hiddenSize: H, activation: act, recurrentActivation: rec, forgetBias }),
  };
}
