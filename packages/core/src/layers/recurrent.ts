// The recurrent layer: unrolls any cell over a [batch, time, features] sequence with shared weights, and
// backpropagates through time. When the backend has a fused kernel for the cell it runs the whole sequence
// in one call; otherwise it composes the cell's steps from primitives. Both paths give the same numbers.
//
// End-padded batches: with per-sample lengths, steps t >= len_b keep the state, output zeros and pass no
// gradient, so a padded sample gives exactly what it gives alone at its own length.

import { checkLengths, fmtShape } from '../backend/checks.js';
import type { Backend, CellParams, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import type { Cell } from '../cells/cell.js';
import { InvalidArgumentError, raw, ShapeError } from '../errors.js';
import type { Rng } from '../random.js';
import { checkRate, type DropoutControl, dropoutMask } from './dropout.js';
import { createParameter, type ForwardOptions, type Layer, type LayerDef, type Parameter, releaseParameters } from './layer.js';

export interface RecurrentOptions {
  cell: Cell;
  /** Return every hidden state [B, T, H] (many-to-many) instead of the last one [B, H]. Default false. */
  returnSequences?: boolean;
  /** Read each sequence from its end to its start (within its length); outputs are given in input order. */
  reverse?: boolean;
  /** Always start from the previous call's final state (streaming). Default false; see ForwardOptions.carryState. */
  stateful?: boolean;
  /** Input dropout rate: one mask per sample and feature, the same at every step (variational). Default 0. */
  dropout?: number;
  /**
   * Recurrent dropout rate: one mask per sample and hidden unit on h_{t-1}, the same at every step
   * (Gal & Ghahramani). Uses the composed path while training. Default 0.
   */
  recurrentDropout?: number;
  /** Record ||dL/dh_t|| for every step (in the order the cell reads them) during backward. Default false. */
  recordGradNorms?: boolean;
  /** Use the backend's fused kernel when it has one. Default true; false forces the composed path. */
  useFused?: boolean;
}

export interface RecurrentLayer extends Layer, DropoutControl {
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
  checkRate('recurrent.dropout', options.dropout);
  checkRate('recurrent.recurrentDropout', options.recurrentDropout);
  return { cell: options.cell, build: (backend, rng, name) => buildRecurrent(backend, rng, name, options) };
}

function buildRecurrent(backend: Backend, rng: Rng, name: string, options: RecurrentOptions): RecurrentLayer {
  const { cell } = options;
  const returnSequences = options.returnSequences ?? false;
  const reverse = options.reverse ?? false;
  const stateful = options.stateful ?? false;
  const inputRate = options.dropout ?? 0;
  const recurrentRate = options.recurrentDropout ?? 0;
  const recordGradNorms = options.recordGradNorms ?? false;
  const H = cell.hiddenSize;
  const S = cell.stateNames.length;
  const params: Parameter[] = cell.params.map((p) => createParameter(backend, rng, `${name}.${p.name}`, p.shape, p.init));
  const values = Object.fromEntries(cell.params.map((p, i) => [p.name, params[i]!.value]));
  const grads = Object.fromEntries(cell.params.map((p, i) => [p.name, params[i]!.grad]));
  const ws = new Workspace(backend); // outputs, states, caches: reused while (B, T) stays the same
  const stepWs = new Workspace(backend); // the cell's scratch tensors
  const stream = rng.fork(); // dropout masks

  // What the last forward did, for backward.
  let input: Tensor | null = null; // x as the cell saw it (reversed and dropped out if so)
  let lengths: Int32Array | null = null;
  let reserve: Tensor | null = null;
  let fusedRun = false;
  let trained = false;
  let inputMask: Tensor | null = null;
  let recurrentMask: Tensor | null = null;
  let frozen = false;
  let initial: readonly Tensor[] | null = null;
  let finalGrad: readonly Tensor[] | null = null;
  let carried: Tensor[] | null = null;
  let finalState: Tensor[] = [];
  let initialStateGrad: Tensor[] = [];
  let stepGradNorms: Float64Array | null = null;
  // Composed path: the state tensors h_0..h_T and per-step caches of the last forward, looked up once there
  // and reused by the backward (no lookups or allocations inside either time loop).
  let states: Tensor[][] = [];
  let caches: Record<string, Tensor>[] = [];

  const canFuse = (dropping: boolean): boolean =>
    (options.useFused ?? true) &&
    !(dropping && recurrentRate > 0) &&
    cell.fused !== null &&
    backend.capabilities.fused.includes(cell.fused.kind) &&
    typeof backend.rnnForward === 'function';

  const outputShape = (s: readonly number[]): number[] => {
    if (s.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', fmtShape(s));
    if (s[2] !== cell.inputSize) throw new ShapeError('x.shape[2]', `${cell.inputSize} features (cell.inputSize)`, s[2]);
    return returnSequences ? [s[0]!, s[1]!, H] : [s[0]!, H];
  };

  /** Fills the initial state from an explicit one, the carried one, or zeros. */
  const startState = (B: number, carry: boolean, out: readonly Tensor[]): void => {
    // A carried state is never dropped silently: a new batch size needs resetStates() first.
    if (!initial && carry && carried && carried[0]!.shape[0] !== B)
      throw new ShapeError(
        'x.shape[0]',
        `${carried[0]!.shape[0]} sequences, the batch size of the carried state (call resetStates() to start a new batch size)`,
        B,
      );
    const src = initial ?? (carry && carried ? carried : null);
    initial = null;
    out.forEach((t, k) => {
      if (!src) return backend.fill(t, 0);
      const s = src[k];
      if (s?.shape.length !== 2 || s.shape[0] !== B || s.shape[1] !== H)
        throw new ShapeError(`initialState[${k}]`, `shape [${B}, ${H}] (batch, hiddenSize)`, s ? fmtShape(s.shape) : s);
      backend.copy(s, t);
    });
  };

  /** A fresh (or frozen) variational mask [B, n] for this forward. */
  const drawMask = (key: string, B: number, n: number, rate: number): Tensor => {
    const fresh = !frozen || !ws.has(key) || ws.peek(key)!.shape[0] !== B;
    const m = ws.get(key, [B, n]);
    if (fresh) backend.write(m, dropoutMask(stream, B * n, rate));
    return m;
  };

  const stateAt = (t: number, B: number): Tensor[] => cell.stateNames.map((n) => ws.get(`${n}@${t}`, [B, H]));
  const cacheAt = (t: number, B: number): Record<string, Tensor> =>
    Object.fromEntries(Object.entries(cell.cacheShapes(B)).map(([n, shape]) => [n, ws.get(`cache.${n}@${t}`, shape)]));
  /** Validity of step t per sample as a [B] tensor (1 valid, 0 padding) and its complement; from [B, T, 1] masks. */
  const stepMask = (t: number, B: number, which: 'valid' | 'padding'): Tensor => {
    const m = ws.get(`${which}@step`, [B, 1]);
    backend.getStep(ws.peek(`${which}Mask`)!, t, m);
    return m;
  };

  function forward(x: Tensor, o: ForwardOptions): Tensor {
    outputShape(x.shape);
    const [B, T, I] = x.shape as [number, number, number];
    lengths = o.lengths ? checkLengths('lengths', o.lengths, B, T) : null;
    if (lengths?.every((l) => l === T)) lengths = null;
    trained = o.training;
    const dropping = o.training && o.dropout !== false;

    // The sequence as the cell reads it: reversed within each length, input dropout applied.
    let xs = x;
    if (reverse) {
      xs = ws.get('x.reversed', x.shape);
      backend.reverseTime(x, lengths, xs);
    }
    inputMask = null;
    if (dropping && inputRate > 0) {
      const mask = drawMask('mask.input', B, I, inputRate);
      const full = ws.get('mask.input.full', x.shape);
      for (let t = 0; t < T; t++) backend.setStep(full, t, mask);
      const dropped = ws.get('x.dropped', x.shape);
      backend.mul(xs, full, dropped);
      inputMask = full;
      xs = dropped;
    }
    recurrentMask = dropping && recurrentRate > 0 ? drawMask('mask.recurrent', B, H, recurrentRate) : null;
    input = xs;

    const output = ws.get('output', [B, T, H]);
    const h0 = stateAt(0, B);
    startState(B, stateful || (o.carryState ?? false), h0);
    if (reserve) backend.release(reserve);
    reserve = null;
    fusedRun = canFuse(dropping);
    if (fusedRun) {
      finalState = cell.stateNames.map((n) => ws.get(`${n}@final`, [B, H]));
      reserve = backend.rnnForward!({
        cell: cell.fused!,
        params: values as unknown as CellParams,
        x: xs,
        h0: h0[0]!,
        c0: h0[1],
        output,
        hT: finalState[0]!,
        cT: finalState[1],
        training: o.training,
        lengths,
      });
    } else {
      if (lengths) uploadMasks(B, T);
      const xt = ws.get('x_t', [B, cell.inputSize]);
      states = Array.from({ length: T + 1 }, (_, t) => (t === 0 ? h0 : stateAt(t, B)));
      caches = Array.from({ length: T }, (_, t) => cacheAt(t, B));
      let prev = h0;
      for (let t = 0; t < T; t++) {
        const next = states[t + 1]!;
        backend.getStep(xs, t, xt);
        cell.forwardStep(backend, { params: values, x: xt, prev: dropRecurrent(prev, B), next, cache: caches[t]!, ws: stepWs });
        if (lengths) {
          // padded rows keep the previous state: next = prev + valid ⊙ (next − prev); output valid ⊙ h
          const valid = stepMask(t, B, 'valid');
          next.forEach((n, k) => {
            backend.sub(n, prev[k]!, n);
            backend.mulRows(n, valid, n);
            backend.add(n, prev[k]!, n);
          });
          const ht = ws.get('h_t.masked', [B, H]);
          backend.mulRows(next[0]!, valid, ht);
          backend.setStep(output, t, ht);
        } else backend.setStep(output, t, next[0]!);
        prev = next;
      }
      finalState = prev;
    }
    const carry = cell.stateNames.map((n) => ws.get(`${n}@carry`, [B, H]));
    finalState.forEach((s, k) => backend.copy(s, carry[k]!));
    carried = carry;
    if (!returnSequences) return finalState[0]!;
    if (!reverse) return output;
    const back = ws.get('output.reversed', [B, T, H]);
    backend.reverseTime(output, lengths, back);
    return back;
  }

  /** [B, T, 1] masks of valid and padded steps, from the lengths. */
  function uploadMasks(B: number, T: number): void {
    const valid = new Float64Array(B * T);
    for (let b = 0; b < B; b++) valid.fill(1, b * T, b * T + lengths![b]!);
    backend.write(ws.get('validMask', [B, T, 1]), valid);
    backend.write(
      ws.get('paddingMask', [B, T, 1]),
      valid.map((v) => 1 - v),
    );
  }

  /** The previous state as the cell reads it: h_{t-1} ⊙ recurrent mask when recurrent dropout is on. */
  function dropRecurrent(prev: readonly Tensor[], B: number): readonly Tensor[] {
    if (!recurrentMask) return prev;
    const h = ws.get('h.dropped', [B, H]);
    backend.mul(prev[0]!, recurrentMask, h);
    return [h, ...prev.slice(1)];
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
    let dOut: Tensor | null = returnSequences ? dy : null;
    if (dOut && reverse) {
      const r = ws.get('dy.reversed', dy.shape);
      backend.reverseTime(dy, lengths, r);
      dOut = r;
    }
    const wantDx = needInputGrad;
    const dxs = wantDx ? ws.get('dx.cell', [B, T, I]) : null;
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
        dOutput: dOut,
        dhT: dFinal[0]!,
        dcT: dFinal[1] ?? null,
        grads: grads as unknown as CellParams,
        dx: dxs,
        dh0: initialStateGrad[0]!,
        dc0: initialStateGrad[1] ?? null,
        stepGradNorms: recordGradNorms,
        lengths,
      });
    } else composedBackward(B, T, I, dOut, dFinal, dxs);
    return wantDx ? inputGrad(dxs!) : null;
  }

  /** BPTT over the composed steps; two ping-pong buffers carry dL/d(state) backwards through time. */
  function composedBackward(B: number, T: number, I: number, dOut: Tensor | null, dFinal: Tensor[], dxs: Tensor | null): void {
    let dNext = dFinal;
    let dPrev = cell.stateNames.map((n) => ws.get(`d${n}@pong`, [B, H]));
    const kept = cell.stateNames.map((n) => ws.get(`d${n}@kept`, [B, H]));
    const xt = ws.get('x_t', [B, I]);
    const dxt = dxs ? ws.get('dx_t', [B, I]) : null;
    const norms = recordGradNorms ? new Float64Array(T) : null;
    for (let t = T - 1; t >= 0; t--) {
      const valid = lengths ? stepMask(t, B, 'valid') : null;
      if (dOut) {
        const dyt = ws.get('dy_t', [B, H]);
        backend.getStep(dOut, t, dyt);
        if (valid) backend.mulRows(dyt, valid, dyt);
        backend.add(dNext[0]!, dyt, dNext[0]!);
      }
      if (valid) {
        // padded rows pass their gradient straight to the previous state; valid rows go through the cell
        const padding = stepMask(t, B, 'padding');
        dNext.forEach((d, k) => {
          backend.mulRows(d, padding, kept[k]!);
          backend.mulRows(d, valid, d);
        });
      }
      if (norms) norms[t] = Math.sqrt(backend.sumSquares(dNext[0]!));
      const prev = states[t]!;
      backend.getStep(input!, t, xt);
      cell.backwardStep(backend, {
        params: values,
        x: xt,
        prev: dropRecurrent(prev, B),
        next: states[t + 1]!,
        cache: caches[t]!,
        ws: stepWs,
        grads,
        dNext,
        dPrev,
        dx: dxt,
      });
      if (recurrentMask) backend.mul(dPrev[0]!, recurrentMask, dPrev[0]!);
      if (valid) dPrev.forEach((d, k) => backend.add(d, kept[k]!, d));
      if (dxs && dxt) backend.setStep(dxs, t, dxt);
      [dNext, dPrev] = [dPrev, dNext];
    }
    dNext.forEach((g, k) => backend.copy(g, initialStateGrad[k]!));
    stepGradNorms = norms;
  }

  /** dL/dx from dL/d(cell input): undo the input dropout and the reversal. */
  function inputGrad(dxs: Tensor): Tensor {
    let d = dxs;
    if (inputMask) {
      const m = ws.get('dx.masked', d.shape);
      backend.mul(d, inputMask, m);
      d = m;
    }
    if (reverse) {
      const r = ws.get('dx.reversed', d.shape);
      backend.reverseTime(d, lengths, r);
      d = r;
    }
    return d;
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
    freezeDropoutMasks(f: boolean) {
      frozen = f;
    },
    getRandomState: () => stream.getState(),
    setRandomState: (s) => stream.setState(s),
    resetState() {
      carried = null;
    },
    toConfig: () => ({
      kind: 'recurrent',
      cell: cell.toConfig(),
      returnSequences,
      reverse,
      stateful,
      dropout: inputRate,
      recurrentDropout: recurrentRate,
      recordGradNorms,
    }),
    dispose() {
      if (reserve) backend.release(reserve);
      reserve = null;
      ws.dispose();
      stepWs.dispose();
      releaseParameters(backend, params);
    },
  };
}
