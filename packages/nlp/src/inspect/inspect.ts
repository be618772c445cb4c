// Per-token activations of a trained model, for visualisation: every recurrent layer's hidden state, cell
// state (LSTM) and gate values at each step. The layers run as in `predict`; before each recurrent layer its
// cell is stepped once more, one token at a time, so the step caches (the activated gates) can be read.
import { type Backend, InvalidArgumentError, type Layer, type RecurrentLayer, type Sequential, type Tensor, Workspace } from '@rnn/core';

export interface InspectOptions {
  /** Token strings to return alongside (one per id), e.g. from the vocabulary. */
  tokens?: readonly string[];
}

/** One direction of one recurrent layer; every array has one entry per token, of hiddenSize values. */
export interface LayerActivations {
  /** Index of the layer in the model. */
  layer: number;
  /** 'backward' for the reverse half of a bidirectional layer (its steps are still given in token order). */
  direction: 'forward' | 'backward';
  /** The cell kind: 'lstm', 'gru', 'rnn' or a contributed one. */
  kind: string;
  hidden: Float32Array[];
  /** The LSTM cell state c_t. */
  cell?: Float32Array[];
  /** Activated gate values by name: LSTM i, f, g, o; GRU z, r, n (absent for a simple RNN). */
  gates: Record<string, Float32Array[]>;
}

export interface Inspection {
  ids: number[];
  tokens?: string[];
  layers: LayerActivations[];
}

/**
 * Runs one sequence of token ids through `model` (starting from a zero state, carried state is reset) and
 * records the activations of each recurrent or bidirectional layer.
 */
export function inspect(model: Sequential, ids: ArrayLike<number>, options: InspectOptions = {}): Inspection {
  if (ids.length === 0) throw new InvalidArgumentError('ids', 'at least one token id', 'an empty sequence');
  if (options.tokens && options.tokens.length !== ids.length)
    throw new InvalidArgumentError('options.tokens', `${ids.length} tokens (one per id)`, options.tokens.length);
  const backend = model.backend;
  const T = ids.length;
  model.resetStates();
  const x = backend.tensor([1, T], Array.from(ids));
  const ws = new Workspace(backend);
  const layers: LayerActivations[] = [];
  try {
    model.outputShape([1, T]);
    let h: Tensor = x;
    model.layers.forEach((layer, index) => {
      for (const [direction, rec] of recurrentParts(layer)) layers.push(stepCell(backend, ws, rec, h, index, direction));
      h = layer.forward(h, { training: false });
    });
  } finally {
    ws.dispose();
    backend.release(x);
    model.resetStates();
  }
  const result: Inspection = { ids: Array.from(ids), layers };
  if (options.tokens) result.tokens = [...options.tokens];
  return result;
}

function recurrentParts(layer: Layer): [LayerActivations['direction'], RecurrentLayer][] {
  if (layer.kind === 'recurrent') return [[(layer.toConfig().reverse ? 'backward' : 'forward') as 'forward', layer as RecurrentLayer]];
  if (layer.kind === 'bidirectional') {
    const b = layer as unknown as { forwardLayer: RecurrentLayer; backwardLayer: RecurrentLayer };
    return [
      ['forward', b.forwardLayer],
      ['backward', b.backwardLayer],
    ];
  }
  return [];
}

/** Steps the layer's cell over input [1, T, I] (from the end for a reverse layer), reading state and caches. */
function stepCell(
  backend: Backend,
  ws: Workspace,
  layer: RecurrentLayer,
  input: Tensor,
  index: number,
  direction: LayerActivations['direction'],
): LayerActivations {
  const { cell } = layer;
  const T = input.shape[1]!;
  const H = cell.hiddenSize;
  const params = Object.fromEntries(cell.params.map((p, i) => [p.name, layer.params[i]!.value]));
  const xt = ws.get('x_t', [1, cell.inputSize]);
  let prev = cell.stateNames.map((n) => ws.zeros(`${n}@a`, [1, H]));
  let next = cell.stateNames.map((n) => ws.get(`${n}@b`, [1, H]));
  const cache = Object.fromEntries(Object.entries(cell.cacheShapes(1)).map(([n, shape]) => [n, ws.get(`cache.${n}`, shape)]));
  const gateNames = cell.gateLayout.filter((g) => g in cache);
  const hidden: Float32Array[] = new Array(T);
  const cellState: Float32Array[] = new Array(T);
  const gates: Record<string, Float32Array[]> = Object.fromEntries(gateNames.map((g) => [g, new Array(T)]));
  const stepWs = new Workspace(backend);
  try {
    for (let s = 0; s < T; s++) {
      const t = direction === 'backward' ? T - 1 - s : s;
      backend.getStep(input, t, xt);
      cell.forwardStep(backend, { params, x: xt, prev, next, cache, ws: stepWs });
      hidden[t] = Float32Array.from(backend.read(next[0]!));
      if (cell.stateNames[1] === 'c') cellState[t] = Float32Array.from(backend.read(next[1]!));
      for (const g of gateNames) gates[g]![t] = Float32Array.from(backend.read(cache[g]!));
      [prev, next] = [next, prev];
    }
  } finally {
    stepWs.dispose();
  }
  const out: LayerActivations = { layer: index, direction, kind: cell.kind, hidden, gates };
  if (cell.stateNames[1] === 'c') out.cell = cellState;
  return out;
}
