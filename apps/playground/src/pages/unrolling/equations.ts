// The equations the unrolling page prints next to the numbers, per cell kind (core's definitions, see
// docs/architecture.md). Keys are the names of the values the cell reports: gates, internals and state.
import type { CellKind } from '../../training/cells.js';

export const EQUATIONS: Readonly<Record<CellKind, readonly [name: string, equation: string][]>> = {
  rnn: [['h', 'h_t = tanh(x_t W + h_{t−1} U + b)']],
  lstm: [
    ['i', 'i = σ(x_t W_i + h_{t−1} U_i + b_i)   input gate'],
    ['f', 'f = σ(x_t W_f + h_{t−1} U_f + b_f)   forget gate'],
    ['g', 'g = tanh(x_t W_g + h_{t−1} U_g + b_g)   candidate'],
    ['o', 'o = σ(x_t W_o + h_{t−1} U_o + b_o)   output gate'],
    ['c', 'c_t = f ⊙ c_{t−1} + i ⊙ g'],
    ['h', 'h_t = o ⊙ tanh(c_t)'],
  ],
  gru: [
    ['z', 'z = σ(x_t W_z + h_{t−1} U_z + b_z)   update gate'],
    ['r', 'r = σ(x_t W_r + h_{t−1} U_r + b_r)   reset gate'],
    ['n', 'n = tanh(x_t W_n + b_n + r ⊙ (h_{t−1} U_n + b̂_n))   candidate'],
    ['h', 'h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n'],
  ],
};
