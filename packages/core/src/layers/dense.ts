// Dense (fully connected) layer: y = x W + b over the last axis, so it also works time-distributed on
// [B, T, in] (the matrix view of a rank-3 tensor is [B*T, in]). On top of a recurrent layer this is the
// output projection y_t = W_hy h_t + b_y.

import { fmtShape } from '../backend/checks.js';
import type { Activation, Backend, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import { activationOption } from '../cells/common.js';
import { checkPositiveInt, ShapeError } from '../errors.js';
import { glorotUniform, type Initializer, zeros } from '../init/initializers.js';
import type { Rng } from '../random.js';
import { createParameter, type ForwardOptions, type Layer, type LayerDef, type Parameter, releaseParameters } from './layer.js';

export interface DenseOptions {
  inputSize: number;
  outputSize: number;
  /** Default 'linear'. */
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}

export function dense(options: DenseOptions): LayerDef {
  const inputSize = checkPositiveInt('dense.inputSize', options?.inputSize);
  const outputSize = checkPositiveInt('dense.outputSize', options.outputSize);
  const activation = activationOption('dense.activation', options.activation, 'linear');
  const useBias = options.useBias ?? true;
  return {
    build: (backend: Backend, rng: Rng, name: string): Layer => {
      const params: Parameter[] = [
        createParameter(backend, rng, `${name}.kernel`, [inputSize, outputSize], options.kernelInitializer ?? glorotUniform()),
      ];
      if (useBias) params.push(createParameter(backend, rng, `${name}.bias`, [outputSize], options.biasInitializer ?? zeros()));
      const [W, bias] = params;
      const ws = new Workspace(backend);
      let input: Tensor | null = null;

      const outputShape = (s: readonly number[]): number[] => {
        if (s.length < 2 || s[s.length - 1] !== inputSize)
          throw new ShapeError('x.shape', `[..., ${inputSize}] (dense.inputSize)`, fmtShape(s));
        return [...s.slice(0, -1), outputSize];
      };

      return {
        kind: 'dense',
        params,
        outputShape,
        forward(x: Tensor, _o: ForwardOptions): Tensor {
          const y = ws.get('y', outputShape(x.shape));
          backend.gemm(x, W!.value, y, bias ? { bias: bias.value } : {});
          if (activation !== 'linear') backend.activation(activation, y, y);
          input = x;
          return y;
        },
        backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
          if (!input) throw new ShapeError('dense.backward', 'a forward pass first', 'no forward pass');
          const y = ws.get('y', dy.shape);
          let g = dy;
          if (activation !== 'linear') {
            g = ws.get('da', dy.shape);
            backend.activationGrad(activation, y, dy, g);
          }
          backend.gemm(input, g, W!.grad, { transA: true, beta: 1 });
          if (bias) backend.sumRows(g, bias.grad, 1);
          if (!needInputGrad) return null;
          const dx = ws.get('dx', input.shape);
          backend.gemm(g, W!.value, dx, { transB: true });
          return dx;
        },
        resetState() {},
        toConfig: () => ({ kind: 'dense', inputSize, outputSize, activation, useBias }),
        dispose() {
          ws.dispose();
          releaseParameters(backend, params);
        },
      };
    },
  };
}
