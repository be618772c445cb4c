// The values flowing through an unrolled cell, step by step, obtained by running the core Cell itself:
// its forwardStep on backend tensors, with the per-step cache it keeps for backpropagation (LSTM i, f, g, o
// and tanh(c); GRU z, r, n). Nothing is re-derived here, so the numbers are the recurrent layer's numbers.
import { type Backend, type Cell, checkFinite, InvalidArgumentError, ShapeError, type Tensor, Workspace } from '@rnn/core';

/** Parameter values by the cell's parameter names (kernel, recurrentKernel, bias, recurrentBias). */
export type CellWeights = Readonly<Record<string, ArrayLike<number>>>;

/** A dense readout y_t = h_t W + b on top of the cell (W [H, outputSize]). */
export interface Readout {
  kernel: ArrayLike<number>;
  bias: ArrayLike<number>;
}

export interface UnrolledStep {
  t: number;
  x: number[];
  /** The state before the step, by state name (h, and c for an LSTM). */
  prev: Record<string, number[]>;
  /** The activated gates, in the cell's gate order (i, f, g, o / z, r, n); none for a simple RNN. */
  gates: Record<string, number[]>;
  /** Other values the cell keeps for its backward step (LSTM tc = tanh(c_t); GRU ahn = h U_n + b_hn, or rh = r ⊙ h). */
  internals: Record<string, number[]>;
  /** The state after the step (h_t, c_t). */
  next: Record<string, number[]>;
  /** Readout logits y_t and softmax(y_t), when a readout is given. */
  y: number[] | null;
  probs: number[] | null;
}

/** Runs `cell` over the input rows (batch 1) from a zero state and records every value of every step. */
export function unrollCell(
  backend: Backend,
  cell: Cell,
  weights: CellWeights,
  inputs: readonly ArrayLike<number>[],
  readout?: Readout,
): UnrolledStep[] {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new InvalidArgumentError('inputs', 'at least one input row', inputs);
  inputs.forEach((row, t) => {
    if (row?.length !== cell.inputSize)
      throw new ShapeError(`inputs[${t}]`, `${cell.inputSize} values (cell.inputSize)`, `${row?.length} values`);
    checkFinite(`inputs[${t}]`, row);
  });
  const H = cell.hiddenSize;
  const owned: Tensor[] = [];
  const tensor = (shape: number[], data?: ArrayLike<number>): Tensor => {
    const t = backend.tensor(shape, data);
    owned.push(t);
    return t;
  };
  const ws = new Workspace(backend);
  try {
    const params: Record<string, Tensor> = {};
    for (const p of cell.params) {
      const w = weights[p.name];
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (!w) throw new InvalidArgumentError(`weights.${p.name}`, `${size} values for shape [${p.shape.join(', ')}]`, w);
      if (w.length !== size)
        throw new ShapeError(`weights.${p.name}`, `${size} values (shape [${p.shape.join(', ')}])`, `${w.length} values`);
      checkFinite(`weights.${p.name}`, w);
      params[p.name] = tensor([...p.shape], w);
    }
    let out: { W: Tensor; b: Tensor; y: Tensor } | null = null;
    if (readout) {
      const V = readout.bias?.length ?? 0;
      if (V === 0) throw new InvalidArgumentError('readout.bias', 'at least one value', readout.bias);
      if (readout.kernel?.length !== H * V)
        throw new ShapeError('readout.kernel', `${H * V} values ([${H}, ${V}])`, `${readout.kernel?.length} values`);
      checkFinite('readout.kernel', readout.kernel);
      checkFinite('readout.bias', readout.bias);
      out = { W: tensor([H, V], readout.kernel), b: tensor([V], readout.bias), y: tensor([1, V]) };
    }
    const x = tensor([1, cell.inputSize]);
    let prev = cell.stateNames.map(() => tensor([1, H]));
    let next = cell.stateNames.map(() => tensor([1, H]));
    const cache = Object.fromEntries(Object.entries(cell.cacheShapes(1)).map(([name, shape]) => [name, tensor([...shape])]));
    const gateNames = cell.gateLayout.filter((g) => g in cache);
    const internalNames = Object.keys(cache).filter((n) => !gateNames.includes(n));
    const read = (t: Tensor): number[] => Array.from(backend.read(t));
    const byName = (names: readonly string[], ts: readonly Tensor[]): Record<string, number[]> =>
      Object.fromEntries(names.map((n, k) => [n, read(ts[k]!)]));

    return inputs.map((row, t) => {
      backend.write(x, row);
      const before = byName(cell.stateNames, prev);
      cell.forwardStep(backend, { params, x, prev, next, cache, ws });
      const step: UnrolledStep = {
        t,
        x: Array.from(row),
        prev: before,
        gates: Object.fromEntries(gateNames.map((n) => [n, read(cache[n]!)])),
        internals: Object.fromEntries(internalNames.map((n) => [n, read(cache[n]!)])),
        next: byName(cell.stateNames, next),
        y: null,
        probs: null,
      };
      if (out) {
        backend.gemm(next[0]!, out.W, out.y, { bias: out.b });
        step.y = read(out.y);
        step.probs = softmax(step.y);
      }
      [prev, next] = [next, prev];
      return step;
    });
  } finally {
    ws.dispose();
    for (const t of owned) backend.release(t);
  }
}

/** Softmax with the maximum subtracted first (no overflow for large logits). */
export function softmax(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
