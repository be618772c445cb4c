// ONNX activation functions as rnn activations: the element-wise nodes after a dense layer and the functions named
// in a recurrent operator's `activations` attribute share HardSigmoid's alpha / beta rule, so they live together.
import { type Activation, raw, UnsupportedError } from '@rnn/core';

/** The element-wise activation nodes a dense layer may end with (HardSigmoid aside, it has parameters). */
export const ELEMENTWISE: Readonly<Record<string, Activation>> = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu' };

/** ONNX HardSigmoid max(0, min(1, alpha·x + beta)) as rnn's hardSigmoid (0.2, 0.5) or hardSigmoid6 (1/6, 0.5). */
export function hardSigmoid(alpha: number, beta: number, where: string): Activation {
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-7; // float32 attributes
  if (near(beta, 0.5) && near(alpha, 0.2)) return 'hardSigmoid';
  if (near(beta, 0.5) && near(alpha, 1 / 6)) return 'hardSigmoid6';
  throw new UnsupportedError(where, 'HardSigmoid with alpha 0.2 or 1/6 and beta 0.5', raw(`alpha ${alpha}, beta ${beta}`));
}

/** ONNX recurrent activation functions rnn has (alpha / beta from the attribute lists, in order). */
export function cellActivation(name: string, take: () => [number | undefined, number | undefined], where: string): Activation {
  switch (name.toLowerCase()) {
    case 'tanh':
      return 'tanh';
    case 'sigmoid':
      return 'sigmoid';
    case 'relu':
      return 'relu';
    case 'hardsigmoid': {
      const [a, b] = take();
      return hardSigmoid(a ?? 0.2, b ?? 0.5, `${where}.attribute "activations"`);
    }
    case 'affine': {
      const [a, b] = take();
      if ((a ?? 1) === 1 && (b ?? 0) === 0) return 'linear';
      throw new UnsupportedError(
        `${where}.attribute "activations"`,
        'Affine with alpha 1 and beta 0 (linear)',
        raw(`alpha ${a}, beta ${b}`),
      );
    }
    default:
      throw new UnsupportedError(
        `${where}.attribute "activations"`,
        'Tanh, Sigmoid, Relu, HardSigmoid (alpha 0.2 or 1/6, beta 0.5) or Affine (1, 0)',
        name,
      );
  }
}
