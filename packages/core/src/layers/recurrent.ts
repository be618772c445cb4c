// The recurrent layer: unrolls any cell over a [batch, time, features] sequence with shared weights, and
// backpropagates through time. When the backend has a fused kernel for the cell it runs the whole sequence
// in one call; otherwise it composes the cell's steps from primitives. Both paths give the same numbers.

import { fmtShape } from '../backend/checks.js';
import type { Backend, CellParams, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import type { Cell } from '../cells/cell.js';
import { InvalidArgumentError, raw, ShapeError } from '../errors.js';
import type { Rng } from '../random.js';
import { createParameter, type ForwardOptions, type Layer, type LayerDef, type Parameter, releaseParameters } from './layer.js';

export interface RecurrentOptions {
  cell: Cell;
  /** Return every hidden state [B, T, H] (many-to-many) instead of the last one [B, H]. Default false. */
  returnSequences?: boolean;
  /** Always start from the previous call's final state (streaming). Default false; see ForwardOptions.carryState. */
  stateful?: boolean;
  /** Record ||dL/dh_t|| for every step during backward (see RecurrentLayer.stepGradNorms). Default false. */
  recordGradNorms?: boolean;
  /** Use the backend's fused kernel when it has one. Default true; false forces the composed path. */
  useFused?: boolean;
}

export interface RecurrentLayer extends Layer {
  readonly cell: Cell;
  /** Set the initial state for the next forward (each [B, H]); consumed by that call. */
  setInitialState(state: readonly Tensor[] | null): void;
  /** The final state of the last forward (each [B, H]); valid until the next forward. */
  readonly finalState: readonly Tensor[];
  /** Gradient w.r.t. the initial state, after backward. */
  readonly initialStateGrad: readonly Tensor[];
  /** Set the gradient arriving at the final state for the next backward (e.g. from an encoder-decoder link). */
  setFinalStateGrad(grad: readonly Tensor[] | null): void;
  /** ||dL/dh_t|| per time step from the last backward, when recordGradNorms is on: vanishing and exploding gradients made visible. */
  readonly stepGradNorms: Float64Array | null;
  /** Whether the last forward used the backend's fused kernel. */
  readonly usedFused: boolean;
}

export function recurrent(options: RecurrentOptions): LayerDef & { readonly cell: Cell } {
  if (typeof options !== 'object' || options === null || typeof options.cell?.forwardStep !== 'function')
    throw new InvalidArgumentError('recurrent.cell', 'a Cell (e.g. lstm({ inputSize, hiddenSize }))', options?.cell);
  return { cell: options.cell, build: (backend, rng, name) => buildRecurrent(backend, rng, name, options) };
}

function buildRecurrent(backend: Backend, rng: Rng, name: string, options: RecurrentOptions): RecurrentLayer {
  const { cell } = options;
  const returnSequences = options.returnSequences ?? false;
  const stateful = options.stateful ?? false;
  const recordGradNorms = options.recordGradNorms ?? false;
  const H = cell.hiddenSize;
  const S = cell.stateNames.length;
  const params: Parameter[] = cell.params.map((p) => createParameter(backend, rng, `${name}.${p.name}`, p.shape, p.init));
  const values = Object.fromEntries(cell.params.map((p, i) => [p.name, params[i]!.value]));
  const grads = Object.fromEntries(cell.params.map((p, i) => [p.name, params[i]!.grad]));
  const ws = new Workspace(backend); // outputs, states, caches: reused while (B, T) stays the same
  const stepWs = new Workspace(backend); // the cell's scratch tensors

  let input: Tensor | null = null;
  let reserve: Tensor | null = null;
  let fusedRun = false;
  let trained = false;
  let initial: readonly Tensor[] | null = null;
  let finalGrad: readonly Tensor[] | null = null;
  let carried: Tensor[] | null = null;
  let finalState: Tensor[] = [];
  let initialStateGrad: Tensor[] = [];
  let stepGradNorms: Float64Array | null = null;

  const canFuse = (): boolean =>
    (options.useFused ?? true) &&
    cell.fused !== null &&
    backend.capabilities.fused.includes(cell.fused.kind) &&
    typeof backend.rnnForward === 'function';

  const outputShape = (s: readonly number[]): number[] => {
    if (s.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', fmtShape(s));
    if (s[2] !== cell.inputSize) throw new ShapeError('x.shape[2]', `${cell.inputSize} features (cell.inputSize)`, s[2]);
    if (s[0]! < 1 || s[1]! < 1) throw new ShapeError('x', 'batch >= 1 and time >= 1', fmtShape(s));
    return returnSequences ? [s[0]!, s[1]!, H] : [s[0]!, H];
  };

  /** Fills states[0] from an explicit initial state, the carried state, or zeros. */
  const startState = (B: number, carry: boolean, out: readonly Tensor[]): void => {
    const src = initial ?? (carry && carried && carried[0]!.shape[0] === B ? carried : null);
    initial = null;
    out.forEach((t, k) => {
      if (!src) return backend.fill(t, 0);
      const s = src[k];
      if (s?.shape.length !== 2 || s.shape[0] !== B || s.shape[1] !== H)
        throw new ShapeError(`initialState[${k}]`, `shape [${B}, ${H}] (batch, hiddenSize)`, s ? fmtShape(s.shape) : s);
      backend.copy(s, t);
    });
  };

  const stateAt = (t: number, B: number): Tensor[] => cell.stateNames.map((n) => ws.get(`${n}@${t}`, [B, H]));
  const cacheAt = (t: number, B: number): Record<string, Tensor> =>
    Object.fromEntries(Object.entries(cell.cacheShapes(B)).map(([n, shape]) => [n, ws.get(`cache.${n}@${t}`, shape)]));

  function forward(x: Tensor, o: ForwardOptions): Tensor {
    outputShape(x.shape);
    const [B, T] = x.shape as [number, number, number];
    input = x;
    trained = o.training;
    const output = ws.get('output', [B, T, H]);
    const h0 = stateAt(0, B);
    startState(B, stateful || (o.carryState ?? false), h0);
    if (reserve) backend.release(reserve);
    reserve = null;
    fusedRun = canFuse();
    if (fusedRun) {
      finalState = cell.stateNames.map((n) => ws.get(`${n}@final`, [B, H]));
      reserve = backend.rnnForward!({
        cell: cell.fused!,
        params: values as unknown as CellParams,
        x,
        h0: h0[0]!,
        c0: h0[1],
        output,
        hT: finalState[0]!,
        cT: finalState[1],
        training: o.training,
      });
    } else {
      const xt = ws.get('x_t', [B, cell.inputSize]);
      let prev = h0;
      for (let t = 0; t < T; t++) {
        const next = stateAt(t + 1, B);
        backend.getStep(x, t, xt);
        cell.forwardStep(backend, { params: values, x: xt, prev, next, cache: cacheAt(t, B), ws: stepWs });
        backend.setStep(output, t, next[0]!);
        prev = next;
      }
      finalState = prev;
    }
    const carry = cell.stateNames.map((n) => ws.get(`${n}@carry`, [B, H]));
    finalState.forEach((s, k) => backend.copy(s, carry[k]!));
    carried = carry;
    return returnSequences ? output : finalState[0]!;
  }

  function backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    if (!input || !trained)
      throw new InvalidArgumentError(
        'recurrent.backward',
        'a preceding forward with training: true',
        raw(input ? 'an inference forward' : 'no forward'),
      );
    const [B, T, I] = input.shape as [number, number, number];
    const expected = returnSequences ? [B, T, H] : [B, H];
    if (dy.shape.length !== expected.length || dy.shape.some((d, i) => d !== expected[i]))
      throw new ShapeError('dy', `shape ${fmtShape(expected)}`, fmtShape(dy.shape));
    const dx = needInputGrad ? ws.get('dx', [B, T, I]) : null;
    initialStateGrad = cell.stateNames.map((n) => ws.get(`d${n}@0`, [B, H]));
    // Gradient arriving at the final state: from the last output (many-to-one) plus any set explicitly.
    const dFinal = cell.stateNames.map((n) => ws.zeros(`d${n}@final`, [B, H]));
    if (!returnSequences) backend.copy(dy, dFinal[0]!);
    finalGrad?.forEach((g, k) => backend.add(dFinal[k]!, g, dFinal[k]!));
    finalGrad = null;

    if (fusedRun) {
      const h0 = stateAt(0, B);
      stepGradNorms = backend.rnnBackward!({
        cell: cell.fused!,
        params: values as unknown as CellParams,
        x: input,
        h0: h0[0]!,
        c0: h0[1],
        output: ws.get('output', [B, T, H]),
        reserve: reserve!,
        dOutput: returnSequences ? dy : null,
        dhT: dFinal[0]!,
        dcT: dFinal[1] ?? null,
        grads: grads as unknown as CellParams,
        dx,
        dh0: initialStateGrad[0]!,
        dc0: initialStateGrad[1] ?? null,
        stepGradNorms: recordGradNorms,
      });
      return dx;
    }

    // Two ping-pong buffers carry dL/d(state) backwards through time.
    let dNext = dFinal;
    let dPrev = cell.stateNames.map((n) => ws.get(`d${n}@pong`, [B, H]));
    const xt = ws.get('x_t', [B, I]);
    const dxt = needInputGrad ? ws.get('dx_t', [B, I]) : null;
    const norms = recordGradNorms ? new Float64Array(T) : null;
    for (let t = T - 1; t >= 0; t--) {
      if (returnSequences) {
        const dyt = ws.get('dy_t', [B, H]);
        backend.getStep(dy, t, dyt);
        backend.add(dNext[0]!, dyt, dNext[0]!);
      }
      if (norms) norms[t] = Math.sqrt(backend.sumSquares(dNext[0]!));
      const prev = stateAt(t, B);
      backend.getStep(input, t, xt);
      cell.backwardStep(backend, {
        params: values,
        x: xt,
        prev,
        next: stateAt(t + 1, B),
        cache: cacheAt(t, B),
        ws: stepWs,
        grads,
        dNext,
        dPrev,
        dx: dxt,
      });
      if (dx && dxt) backend.setStep(dx, t, dxt);
      [dNext, dPrev] = [dPrev, dNext];
    }
    dNext.forEach((g, k) => backend.copy(g, initialStateGrad[k]!));
    stepGradNorms = norms;
    return dx;
  }

  return {
    kind: 'recurrent',
    cell,
    params,
    outputShape,
    forward,
    backward,
    setInitialState(state) {
      if (state !== null && (!Array.isArray(state) || state.length !== S))
        throw new InvalidArgumentError('initialState', `${S} tensors (${cell.stateNames.join(', ')})`, state);
      initial = state;
    },
    get finalState() {
      return finalState;
    },
    get initialStateGrad() {
      return initialStateGrad;
    },
    setFinalStateGrad(grad) {
      if (grad !== null && (!Array.isArray(grad) || grad.length !== S))
        throw new InvalidArgumentError('finalStateGrad', `${S} tensors (${cell.stateNames.join(', ')})`, grad);
      finalGrad = grad;
    },
    get stepGradNorms() {
      return stepGradNorms;
    },
    get usedFused() {
      return fusedRun;
    },
    resetState() {
      carried = null;
    },
    toConfig: () => ({ kind: 'recurrent', cell: cell.toConfig(), returnSequences, stateful }),
    dispose() {
      if (reserve) backend.release(reserve);
      reserve = null;
      ws.dispose();
      stepWs.dispose();
      releaseParameters(backend, params);
    },
  };
}
