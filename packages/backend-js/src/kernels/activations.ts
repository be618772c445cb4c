// Scalar activations and their derivatives from the output y = f(x).
import type { Activation } from '@rnn/core';

export type Scalar = (x: number) => number;

const sigmoid: Scalar = (x) => 1 / (1 + Math.exp(-x));
const hardSigmoid: Scalar = (x) => (x <= -2.5 ? 0 : x >= 2.5 ? 1 : 0.2 * x + 0.5);
const hardSigmoid6: Scalar = (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5);
const relu: Scalar = (x) => Math.max(x, 0);
const linear: Scalar = (x) => x;

export function activationFn(kind: Activation): Scalar {
  switch (kind) {
    case 'tanh':
      return Math.tanh;
    case 'sigmoid':
      return sigmoid;
    case 'relu':
      return relu;
    case 'hardSigmoid':
      return hardSigmoid;
    case 'hardSigmoid6':
      return hardSigmoid6;
    case 'linear':
      return linear;
  }
}

/** f'(x) expressed through y = f(x). */
export function activationGradFn(kind: Activation): Scalar {
  switch (kind) {
    case 'tanh':
      return (y) => 1 - y * y;
    case 'sigmoid':
      return (y) => y * (1 - y);
    case 'relu':
      return (y) => (y > 0 ? 1 : 0);
    case 'hardSigmoid':
      return (y) => (y > 0 && y < 1 ? 0.2 : 0);
    case 'hardSigmoid6':
      return (y) => (y > 0 && y < 1 ? 1 / 6 : 0);
    case 'linear':
      return () => 1;
  }
}
