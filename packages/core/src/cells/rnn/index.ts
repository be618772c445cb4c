// The simple (Elman) RNN cell: h_t = act(x_t W_xh + h_{t-1} W_hh + b_h), act = tanh or relu.
// The output projection y_t = W_hy h_t + b_y of the classic formulation is a Dense layer on top.
import type { Activation, Backend } from '../../backend/contract.js';
import type { Cell, CellConfig, StepBackward, StepForward } from '../cell.js';
import { activationOption, type BaseCellOptions, checkSizes, standardParams } from '../common.js';

export interface SimpleRnnOptions extends BaseCellOptions {
  /** 'tanh' (default) or 'relu'. */
  activation?: Activation;
}

export function simpleRnn(options: SimpleRnnOptions): Cell {
  const { inputSize, hiddenSize } = checkSizes('simpleRnn', options);
  const activation = activationOption('simpleRnn.activation', options.activation, 'tanh', ['tanh', 'relu']);
  const params = standardParams(options, 1);

  return {
    kind: 'rnn',
    inputSize,
    hiddenSize,
    gateLayout: ['h'],
    stateNames: ['h'],
    params,
    fused: { kind: 'rnn', activation, recurrentActivation: 'sigmoid', resetAfter: false },
    cacheShapes: () => ({}),

    forwardStep(b: Backend, { params: p, x, prev, next }: StepForward) {
      const h = next[0];
      b.gemm(x, p.kernel, h, { bias: p.bias });
      b.gemm(prev[0], p.recurrentKernel, h, { beta: 1 });
      b.activation(activation, h, h);
    },

    backwardStep(b: Backend, { params: p, x, prev, next, grads, dNext, dPrev, dx }: StepBackward) {
      // da = act'(h) * dh, written over dh (dNext may be overwritten).
      const da = dNext[0];
      b.activationGrad(activation, next[0], da, da);
      b.gemm(x, da, grads.kernel, { transA: true, beta: 1 });
      b.gemm(prev[0], da, grads.recurrentKernel, { transA: true, beta: 1 });
      b.sumRows(da, grads.bias, 1);
      if (dx) b.gemm(da, p.kernel, dx, { transB: true });
      b.gemm(da, p.recurrentKernel, dPrev[0], { transB: true });
    },

    toConfig: (): CellConfig => ({ kind: 'rnn', inputSize, hiddenSize, activation }),
  };
}
