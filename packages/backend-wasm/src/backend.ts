// @rnn/backend-wasm: every tensor lives in WebAssembly linear memory and every computation is one call into the
// AssemblyScript module (assembly/). This file validates arguments with the shared checks (so errors match every
// other backend), turns tensors into byte offsets, and orchestrates; it never loops over tensor data itself.
import {
  type Activation,
  BACKEND_SPEC_VERSION,
  type Backend,
  BackendNotReadyError,
  checks,
  type FusedKind,
  InvalidArgumentError,
  type PointwiseLoss,
  type RnnBackwardArgs,
  type RnnForwardArgs,
  raw,
  ShapeError,
  type Tensor,
  UnsupportedError,
} from '@rnn/core';
import { Heap } from './heap.js';
import { abort, type BuildName, compile, relaxedSimdSupported, threadsSupported, type WasmExports } from './module.js';
import { ThreadPool, threadsUnavailableReason } from './threads.js';

export interface WasmBackendOptions {
  /**
   * Use the relaxed-SIMD build (fused multiply-add in the GEMM and gate loops). 'auto' (default): when the engine
   * supports it (Chrome 114+, Node 22+; Node 20 needs --experimental-wasm-relaxed-simd). true: require it
   * (throws UnsupportedError where it is missing). false: always the plain SIMD build.
   */
  relaxedSimd?: 'auto' | boolean;
  /** Initial size of the linear memory (default 16 MiB). */
  initialMemoryMiB?: number;
  /** The memory never grows past this (default 4096 MiB, the wasm32 limit); allocations past it throw WasmOutOfMemoryError. */
  maximumMemoryMiB?: number;
  /**
   * The compiled module's bytes or URL, instead of the package's own wasm/ file (for bundlers and CDNs). It must
   * be the build the options select: rnn-simd.wasm, rnn-relaxed-simd.wasm, rnn-simd-threads.wasm or
   * rnn-relaxed-simd-threads.wasm.
   */
  wasm?: BufferSource | URL;
  /**
   * Threads for the large GEMMs (input projections, weight gradients, input gradients), on a shared memory:
   * worker_threads in Node; Web Workers in a browser, where the page must be cross-origin isolated and the backend
   * must itself run in a Worker (the calling thread blocks while the pool works). Default 1. Results are
   * bit-identical for any thread count.
   */
  threads?: number;
}

class WasmTensor implements Tensor {
  released = false;
  constructor(
    readonly shape: readonly number[],
    readonly size: number,
    readonly ptr: number,
    readonly cls: number,
    readonly owner: object,
  ) {}
}

const ACT_CODE: Record<Activation, number> = { tanh: 0, sigmoid: 1, relu: 2, hardSigmoid: 3, linear: 4, hardSigmoid6: 5 };
const LOSS_CODE: Record<PointwiseLoss, number> = { mse: 0, mae: 1, huber: 2, bce: 3 };
const RESERVE_PER_STEP: Record<FusedKind, number> = { rnn: 0, lstm: 6, gru: 4 };
const GATES: Record<FusedKind, number> = { rnn: 1, lstm: 4, gru: 3 };
const MiB = 1024 * 1024;
const PAGE = 65536;

function checkMiB(argument: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi)
    throw new InvalidArgumentError(argument, `an integer number of MiB in [${lo}, ${hi}]`, value);
  return value;
}

/** A backend whose tensors and kernels live in WebAssembly (SIMD128, optionally relaxed SIMD and threads). */
export function wasmBackend(options: WasmBackendOptions = {}): Backend {
  const relaxedOption = options.relaxedSimd ?? 'auto';
  if (relaxedOption !== 'auto' && relaxedOption !== true && relaxedOption !== false)
    throw new InvalidArgumentError('options.relaxedSimd', '"auto", true or false', relaxedOption);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new InvalidArgumentError('options.threads', 'an integer in [1, 64]', options.threads);
  const maxMiB = checkMiB('options.maximumMemoryMiB', options.maximumMemoryMiB ?? 4096, 1, 4096);
  const initialMiB = checkMiB('options.initialMemoryMiB', options.initialMemoryMiB ?? Math.min(16, maxMiB), 1, maxMiB);
  const relaxed = relaxedOption === 'auto' ? relaxedSimdSupported() : relaxedOption;
  if (relaxed && !relaxedSimdSupported())
    throw new UnsupportedError('options.relaxedSimd', 'a WebAssembly engine with relaxed SIMD (or relaxedSimd: "auto" / false)', true);
  const noThreads = threads > 1 ? threadsUnavailableReason() : null;
  if (noThreads) throw new UnsupportedError('options.threads', `1, or threads > 1 in ${noThreads}`, threads);
  if (threads > 1 && !threadsSupported())
    throw new UnsupportedError('options.threads', '1 on an engine without shared WebAssembly memory', threads);
  const build: BuildName = `${relaxed ? 'relaxed-simd' : 'simd'}${threads > 1 ? '-threads' : ''}`;
  const name = `wasm-${build}`;

  let mod: WasmExports | null = null;
  let memory: WebAssembly.Memory | null = null;
  let heap: Heap | null = null;
  let pool: ThreadPool | null = null;
  let token = {};
  /** Tokens of memories that dispose() dropped. */
  const disposed = new WeakSet<object>();
  let disposals = 0;
  let f32 = new Float32Array(0);
  let live = 0;
  let bytes = 0;
  let pending: Promise<void> | null = null;
  const scratch = new Map<string, { ptr: number; cls: number; bytes: number }>();

  const ready = (): WasmExports => {
    if (!mod) throw new BackendNotReadyError(name);
    return mod;
  };
  /** A Float32Array over the whole memory, re-created after the memory grew (growth detaches the old buffer). */
  const F = (): Float32Array => {
    if (f32.buffer !== memory!.buffer) f32 = new Float32Array(memory!.buffer);
    return f32;
  };
  const alloc = (n: number, argument: string, received: string) => heap!.alloc(n, argument, received);
  /** Grow-only named scratch (kernel workspaces, lengths, labels, norms); never counted as tensors. */
  const scratchPtr = (key: string, n: number): number => {
    const have = scratch.get(key);
    if (have && have.bytes >= n) return have.ptr;
    if (have) heap!.free(have.ptr, have.cls);
    scratch.delete(key);
    const block = alloc(Math.max(n, 16), 'workspace', `${n} bytes of kernel workspace ("${key}")`);
    scratch.set(key, { ...block, bytes: block.cls });
    return block.ptr;
  };
  const int32s = (key: string, values: ArrayLike<number>): number => {
    const p = scratchPtr(key, values.length * 4);
    new Int32Array(memory!.buffer, p, values.length).set(values);
    return p;
  };

  const own = (argument: string, t: Tensor | null | undefined): number => {
    ready();
    if (!(t instanceof WasmTensor) || t.owner !== token)
      throw new InvalidArgumentError(argument, `a tensor created by this ${name} backend`, t);
    checks.checkLive(argument, t);
    return t.ptr;
  };
  /** Pointers of tensors that must all have the first one's size. */
  const same = (...named: [string, Tensor][]): number[] => {
    const n = named[0]![1].size;
    return named.map(([argName, t]) => {
      const p = own(argName, t);
      checks.checkSameSize(argName, t, n);
      return p;
    });
  };

  const fusedArgs = (a: RnnForwardArgs) => {
    ready();
    const kind = a.cell?.kind;
    if (!Object.hasOwn(GATES, kind ?? '')) throw new InvalidArgumentError('cell.kind', '"rnn", "lstm" or "gru"', kind);
    const x = own('x', a.x);
    if (a.x.shape.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', checks.fmtShape(a.x.shape));
    const [B, T, I] = a.x.shape as [number, number, number];
    if (T === 0) throw new ShapeError('x', 'at least one time step', checks.fmtShape(a.x.shape));
    const H = checks.rowsOf(a.params.recurrentKernel);
    const G = GATES[kind];
    checks.checkExactShape('params.kernel', a.params.kernel, [I, G * H]);
    checks.checkExactShape('params.recurrentKernel', a.params.recurrentKernel, [H, G * H]);
    checks.checkSameSize('params.bias', a.params.bias, G * H);
    checks.checkExactShape('h0', a.h0, [B, H]);
    checks.checkExactShape('output', a.output, [B, T, H]);
    checks.checkExactShape('hT', a.hT, [B, H]);
    const lstm = kind === 'lstm';
    const resetAfter = kind === 'gru' && !!a.cell.resetAfter;
    if (lstm) {
      if (!a.c0 || !a.cT) throw new InvalidArgumentError('c0', 'initial and final cell states for an LSTM', a.c0);
      checks.checkExactShape('c0', a.c0, [B, H]);
      checks.checkExactShape('cT', a.cT, [B, H]);
    }
    if (resetAfter) {
      if (!a.params.recurrentBias)
        throw new InvalidArgumentError('params.recurrentBias', `a [${G * H}] recurrent bias for a reset-after GRU`, undefined);
      checks.checkSameSize('params.recurrentBias', a.params.recurrentBias, G * H);
    }
    const act = ACT_CODE[checks.checkActivation('cell.activation', a.cell.activation)];
    const rec = ACT_CODE[kind === 'rnn' ? 'linear' : checks.checkActivation('cell.recurrentActivation', a.cell.recurrentActivation)];
    const lengths = a.lengths ? checks.checkLengths('lengths', a.lengths, B, T) : null;
    return {
      kind,
      B,
      T,
      I,
      H,
      G,
      act,
      rec,
      resetAfter,
      W: own('params.kernel', a.params.kernel),
      U: own('params.recurrentKernel', a.params.recurrentKernel),
      bias: own('params.bias', a.params.bias),
      recBias: resetAfter ? own('params.recurrentBias', a.params.recurrentBias) : 0,
      x,
      h0: own('h0', a.h0),
      c0: lstm ? own('c0', a.c0) : 0,
      out: own('output', a.output),
      hT: own('hT', a.hT),
      cT: lstm ? own('cT', a.cT) : 0,
      lengths,
    };
  };
  /** Checks an optional [B, H] state-shaped tensor and returns its pointer (0 when absent). */
  const optionalState = (argument: string, t: Tensor | null | undefined, B: number, H: number): number => {
    if (!t) return 0;
    const p = own(argument, t);
    checks.checkExactShape(argument, t, [B, H]);
    return p;
  };

  const backend: Backend = {
    specificationVersion: BACKEND_SPEC_VERSION,
    name,
    dtype: 'float32',
    capabilities: { fused: ['rnn', 'lstm', 'gru'] },
    get isReady() {
      return mod !== null;
    },
    ready() {
      if (mod) return Promise.resolve();
      pending ??= (async () => {
        const epoch = disposals;
        const module = await compile(build, options.wasm);
        const mem =
          threads > 1
            ? new WebAssembly.Memory({ initial: (initialMiB * MiB) / PAGE, maximum: (maxMiB * MiB) / PAGE, shared: true })
            : new WebAssembly.Memory({ initial: (initialMiB * MiB) / PAGE, maximum: (maxMiB * MiB) / PAGE });
        const instance = await WebAssembly.instantiate(module, { env: { memory: mem, abort } });
        const exports = instance.exports as unknown as WasmExports;
        const h = new Heap(mem, exports.heapBase() >>> 0, maxMiB * MiB);
        const ws = h.alloc(exports.gemmWorkspaceBytes(), 'options.initialMemoryMiB', 'no room for the GEMM workspace').ptr;
        exports.gemmSetWorkspace(ws);
        const workers = threads > 1 ? await ThreadPool.start(module, mem, exports, h, threads) : null;
        if (epoch !== disposals) {
          workers?.terminate(); // dispose() was called while this was starting
          throw new BackendNotReadyError(name);
        }
        pool = workers;
        memory = mem;
        heap = h;
        f32 = new Float32Array(mem.buffer);
        token = {};
        mod = exports;
      })();
      pending.catch(() => {
        pending = null;
      });
      return pending;
    },

    tensor(shape, data) {
      ready();
      checks.checkShape('shape', shape);
      const size = checks.shapeSize(shape);
      if (data !== undefined && data.length !== size)
        throw new ShapeError('data', `${size} values for shape ${checks.fmtShape(shape)}`, `${data.length} values`);
      const { ptr, cls } = alloc(size * 4, 'shape', checks.fmtShape(shape));
      const f = F();
      if (data !== undefined) f.set(data, ptr >>> 2);
      else f.fill(0, ptr >>> 2, (ptr >>> 2) + size);
      live++;
      bytes += size * 4;
      return new WasmTensor([...shape], size, ptr, cls, token);
    },
    read(t) {
      const p = own('t', t);
      return F().slice(p >>> 2, (p >>> 2) + t.size);
    },
    write(t, data) {
      const p = own('t', t);
      if (data?.length !== t.size) throw new ShapeError('data', `${t.size} values`, `${data?.length} values`);
      F().set(data, p >>> 2);
    },
    release(t) {
      // Tensors of a disposed memory are gone already: releasing them (a model disposed after its backend) is a no-op.
      if (t instanceof WasmTensor && disposed.has(t.owner)) {
        t.released = true;
        return;
      }
      own('t', t);
      const wt = t as WasmTensor;
      wt.released = true;
      heap!.free(wt.ptr, wt.cls);
      live--;
      bytes -= wt.size * 4;
    },
    stats() {
      ready();
      return { tensors: live, bytes, heapBytes: memory!.buffer.byteLength };
    },

    gemm(a, b, out, o = {}) {
      const w = ready();
      const { m, n, k } = checks.gemmDims(a, b, out, o);
      const [A, B, C] = [own('a', a), own('b', b), own('out', out)];
      if (C === A || C === B) throw new InvalidArgumentError('out', 'a tensor distinct from a and b', raw('the same tensor as an input'));
      const bias = o.bias ? own('bias', o.bias) : 0;
      const args = [
        m,
        n,
        k,
        A,
        checks.colsOf(a),
        !!o.transA,
        B,
        checks.colsOf(b),
        !!o.transB,
        C,
        n,
        o.alpha ?? 1,
        o.beta ?? 0,
        bias,
      ] as const;
      w.pgemm(...args); // single-threaded unless this is the threads build and the GEMM is large
    },

    fill(out, v) {
      const w = ready();
      w.fill(own('out', out), out.size, v);
    },
    copy(src, out) {
      const w = ready();
      const [O, S] = same(['out', out], ['src', src]);
      w.copy(S!, O!, out.size);
    },
    add(a, b, out) {
      const w = ready();
      const [A, B, O] = same(['a', a], ['b', b], ['out', out]);
      w.binary(0, A!, B!, O!, out.size);
    },
    sub(a, b, out) {
      const w = ready();
      const [A, B, O] = same(['a', a], ['b', b], ['out', out]);
      w.binary(1, A!, B!, O!, out.size);
    },
    mul(a, b, out) {
      const w = ready();
      const [A, B, O] = same(['a', a], ['b', b], ['out', out]);
      w.binary(2, A!, B!, O!, out.size);
    },
    addMul(a, b, out) {
      const w = ready();
      const [A, B, O] = same(['a', a], ['b', b], ['out', out]);
      w.binary(3, A!, B!, O!, out.size);
    },
    axpy(alpha, x, y) {
      const w = ready();
      const [X, Y] = same(['x', x], ['y', y]);
      w.axpy(alpha, X!, Y!, y.size);
    },
    scale(x, alpha, out) {
      const w = ready();
      const [X, O] = same(['x', x], ['out', out]);
      w.scale(X!, alpha, O!, out.size);
    },
    clip(x, lo, hi, out) {
      const w = ready();
      const [X, O] = same(['x', x], ['out', out]);
      w.clip(X!, lo, hi, O!, out.size);
    },
    activation(kind, x, out) {
      const w = ready();
      const code = ACT_CODE[checks.checkActivation('kind', kind)];
      const [X, O] = same(['x', x], ['out', out]);
      w.activation(code, X!, O!, out.size);
    },
    activationGrad(kind, y, dy, out) {
      const w = ready();
      const code = ACT_CODE[checks.checkActivation('kind', kind)];
      const [Y, D, O] = same(['y', y], ['dy', dy], ['out', out]);
      w.activationGrad(code, Y!, D!, O!, out.size);
    },

    sumRows(x, out, beta = 0) {
      const w = ready();
      const X = own('x', x);
      const O = own('out', out);
      const n = checks.colsOf(x);
      checks.checkSameSize('out', out, n);
      w.sumRows(X, checks.rowsOf(x), n, n, O, beta);
    },
    mulRows(x, m, out) {
      const w = ready();
      const [X, O] = same(['x', x], ['out', out]);
      const M = own('m', m);
      const rows = checks.rowsOf(x);
      checks.checkSameSize('m', m, rows);
      w.mulRows(X!, M, O!, rows, checks.colsOf(x));
    },
    sumSquares(x) {
      const w = ready();
      return w.sumSquares(own('x', x), x.size);
    },

    concat(parts, out) {
      const w = ready();
      checks.checkColumnParts(out, parts, 'out');
      const O = own('out', out);
      const rows = checks.rowsOf(out);
      const cols = checks.colsOf(out);
      let off = 0;
      parts.forEach((p, k) => {
        const P = own(`parts[${k}]`, p);
        const pc = checks.colsOf(p);
        w.copy2d(P, pc, O + off * 4, cols, rows, pc);
        off += pc;
      });
    },
    split(x, parts) {
      const w = ready();
      checks.checkColumnParts(x, parts, 'x');
      const X = own('x', x);
      const rows = checks.rowsOf(x);
      const cols = checks.colsOf(x);
      let off = 0;
      parts.forEach((p, k) => {
        const P = own(`parts[${k}]`, p);
        const pc = checks.colsOf(p);
        w.copy2d(X + off * 4, cols, P, pc, rows, pc);
        off += pc;
      });
    },
    getStep(seq, t, out) {
      const w = ready();
      const { B, T, F } = checks.checkStep(seq, t, out);
      const S = own('seq', seq);
      w.copy2d(S + t * F * 4, T * F, own('out', out), F, B, F);
    },
    setStep(seq, t, src, accumulate = false) {
      const w = ready();
      const { B, T, F } = checks.checkStep(seq, t, src);
      const S = own('seq', seq);
      const X = own('src', src);
      if (accumulate) w.add2d(X, F, S + t * F * 4, T * F, B, F);
      else w.copy2d(X, F, S + t * F * 4, T * F, B, F);
    },

    reverseTime(x, lengths, out) {
      const w = ready();
      if (x.shape.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', checks.fmtShape(x.shape));
      const [B, T, F] = x.shape as [number, number, number];
      const [X, O] = same(['x', x], ['out', out]);
      if (X === O) throw new InvalidArgumentError('out', 'a tensor distinct from x', raw('the same tensor'));
      const lens = lengths ? int32s('lengths', checks.checkLengths('lengths', lengths, B, T)) : 0;
      w.reverseTime(X!, O!, B, T, F, lens);
    },
    gatherRows(table, indices, out) {
      const w = ready();
      const E = checks.colsOf(table);
      const I = own('indices', indices);
      const n = indices.size;
      checks.checkIndices('indices', new Float32Array(memory!.buffer, I, n), checks.rowsOf(table));
      checks.checkSameSize('out', out, n * E);
      w.gatherRows(own('table', table), E, I, n, own('out', out));
    },
    scatterAddRows(src, indices, table, skipIndex) {
      const w = ready();
      const E = checks.colsOf(table);
      const I = own('indices', indices);
      const n = indices.size;
      checks.checkIndices('indices', new Float32Array(memory!.buffer, I, n), checks.rowsOf(table));
      checks.checkSameSize('src', src, n * E);
      const skip = skipIndex === null || skipIndex === undefined || !Number.isInteger(skipIndex) ? null : skipIndex;
      w.scatterAddRows(own('src', src), I, n, own('table', table), E, skip ?? 0, skip !== null);
    },

    softmaxCrossEntropy(logits, labels, dLogits, options) {
      const w = ready();
      const { weights, ignore } = checks.checkCrossEntropyOptions(checks.colsOf(logits), options);
      const { n, c } = checks.checkLabels(logits, labels, ignore);
      const L = own('logits', logits);
      const D = dLogits ? same(['logits', logits], ['dLogits', dLogits])[1]! : 0;
      const lab = int32s('labels', labels);
      let wp = 0;
      if (weights) {
        wp = scratchPtr('classWeights', c * 4);
        F().set(weights, wp >>> 2);
      }
      return w.softmaxCrossEntropy(L, lab, n, c, D, wp, ignore ?? 0, ignore !== null);
    },
    pointwiseLoss(kind, prediction, target, dPrediction, delta = 1) {
      const w = ready();
      checks.checkLoss('kind', kind);
      const [P, Y] = same(['prediction', prediction], ['target', target]);
      const D = dPrediction ? same(['prediction', prediction], ['dPrediction', dPrediction])[1]! : 0;
      return w.pointwiseLoss(LOSS_CODE[kind], P!, Y!, D, prediction.size, delta);
    },

    adamUpdate(param, grad, m, v, h) {
      const w = ready();
      const [P, G, M, V] = same(['param', param], ['grad', grad], ['m', m], ['v', v]);
      const c1 = 1 - h.beta1 ** h.step;
      const c2 = 1 - h.beta2 ** h.step;
      w.adam(P!, G!, M!, V!, param.size, h.beta1, h.beta2, h.eps, 1 - h.lr * h.weightDecay, h.lr / c1, c2);
    },
    sgdUpdate(param, grad, velocity, h) {
      const w = ready();
      const [P, G] = same(['param', param], ['grad', grad]);
      const Vel = velocity ? same(['param', param], ['velocity', velocity])[1]! : 0;
      w.sgd(P!, G!, Vel, param.size, h.lr, h.momentum, h.nesterov, h.weightDecay);
    },
    rmspropUpdate(param, grad, square, momentum, h) {
      const w = ready();
      const [P, G, S] = same(['param', param], ['grad', grad], ['square', square]);
      const M = momentum ? same(['param', param], ['momentum', momentum])[1]! : 0;
      w.rmsprop(P!, G!, S!, M, param.size, h.lr, h.rho, h.eps, h.momentum, h.weightDecay);
    },
    adagradUpdate(param, grad, sum, h) {
      const w = ready();
      const [P, G, S] = same(['param', param], ['grad', grad], ['sum', sum]);
      w.adagrad(P!, G!, S!, param.size, h.lr, h.eps, h.weightDecay);
    },

    rnnForward(a) {
      const w = ready();
      const f = fusedArgs(a);
      const { B, T, I, H } = f;
      const size = B * T * RESERVE_PER_STEP[f.kind] * H;
      // Training keeps the reserve as a tensor the caller owns; inference uses scratch memory.
      const reserve = a.training ? backend.tensor([size]) : null;
      try {
        const R = reserve ? (reserve as WasmTensor).ptr : scratchPtr('reserve', size * 4);
        const lens = f.lengths ? int32s('lengths', f.lengths) : 0;
        if (f.kind === 'lstm') w.lstmForward(B, T, I, H, f.act, f.rec, f.W, f.U, f.bias, f.x, f.h0, f.c0, f.out, f.hT, f.cT, R, lens);
        else if (f.kind === 'gru') {
          const ws = scratchPtr('gru.forward', w.gruForwardScratch(B, H) >>> 0);
          w.gruForward(B, T, I, H, f.act, f.rec, f.resetAfter, f.W, f.U, f.bias, f.recBias, f.x, f.h0, f.out, f.hT, R, lens, ws);
        } else w.rnnForward(B, T, I, H, f.act, f.W, f.U, f.bias, f.x, f.h0, f.out, f.hT, lens);
      } catch (e) {
        if (reserve) backend.release(reserve);
        throw e;
      }
      return reserve;
    },

    rnnBackward(a: RnnBackwardArgs) {
      const w = ready();
      const f = fusedArgs({ ...a, hT: a.h0, cT: a.c0, training: true });
      const { B, T, I, H, G } = f;
      const R = own('reserve', a.reserve);
      checks.checkSameSize('reserve', a.reserve, B * T * RESERVE_PER_STEP[f.kind] * H);
      const dOut = a.dOutput ? own('dOutput', a.dOutput) : 0;
      if (a.dOutput) checks.checkExactShape('dOutput', a.dOutput, [B, T, H]);
      const dhT = optionalState('dhT', a.dhT, B, H);
      const dcT = f.kind === 'lstm' ? optionalState('dcT', a.dcT, B, H) : 0;
      const dx = a.dx ? own('dx', a.dx) : 0;
      if (a.dx) checks.checkExactShape('dx', a.dx, [B, T, I]);
      const dh0 = optionalState('dh0', a.dh0, B, H);
      const dc0 = f.kind === 'lstm' ? optionalState('dc0', a.dc0, B, H) : 0;
      const dW = own('grads.kernel', a.grads.kernel);
      checks.checkExactShape('grads.kernel', a.grads.kernel, [I, G * H]);
      const dU = own('grads.recurrentKernel', a.grads.recurrentKernel);
      checks.checkExactShape('grads.recurrentKernel', a.grads.recurrentKernel, [H, G * H]);
      const dBias = own('grads.bias', a.grads.bias);
      checks.checkSameSize('grads.bias', a.grads.bias, G * H);
      let dRecBias = 0;
      if (f.resetAfter) {
        dRecBias = own('grads.recurrentBias', a.grads.recurrentBias);
        checks.checkSameSize('grads.recurrentBias', a.grads.recurrentBias!, G * H);
      }
      const lens = f.lengths ? int32s('lengths', f.lengths) : 0;
      const normsPtr = a.stepGradNorms ? scratchPtr('norms', T * 8) : 0;
      if (f.kind === 'lstm') {
        const ws = scratchPtr('backward', w.lstmBackwardScratch(B, T, H) >>> 0);
        w.lstmBackward(
          B,
          T,
          I,
          H,
          f.act,
          f.rec,
          f.W,
          f.U,
          f.x,
          f.h0,
          f.c0,
          f.out,
          R,
          lens,
          dOut,
          dhT,
          dcT,
          dW,
          dU,
          dBias,
          dx,
          dh0,
          dc0,
          normsPtr,
          ws,
        );
      } else if (f.kind === 'gru') {
        const ws = scratchPtr('backward', w.gruBackwardScratch(B, T, H, f.resetAfter) >>> 0);
        w.gruBackward(
          B,
          T,
          I,
          H,
          f.act,
          f.rec,
          f.resetAfter,
          f.W,
          f.U,
          f.x,
          f.h0,
          f.out,
          R,
          lens,
          dOut,
          dhT,
          dW,
          dU,
          dBias,
          dRecBias,
          dx,
          dh0,
          normsPtr,
          ws,
        );
      } else {
        const ws = scratchPtr('backward', w.rnnBackwardScratch(B, T, H) >>> 0);
        w.rnnBackward(B, T, I, H, f.act, f.W, f.U, f.x, f.h0, f.out, lens, dOut, dhT, dW, dU, dBias, dx, dh0, normsPtr, ws);
      }
      return normsPtr ? new Float64Array(memory!.buffer, normsPtr, T).slice() : null;
    },

    dispose() {
      pool?.terminate();
      pool = null;
      mod = null;
      memory = null;
      heap = null;
      pending = null;
      scratch.clear();
      f32 = new Float32Array(0);
      live = 0;
      bytes = 0;
      disposed.add(token);
      token = {};
      disposals++;
    },
  };
  return backend;
}

/** Internal hooks for this package's tests: evaluate the module's exp / sigmoid / tanh approximations. */
export async function evalMath(
  fn: 'exp' | 'sigmoid' | 'tanh',
  xs: Float32Array,
  relaxedSimd: boolean | 'auto' = 'auto',
): Promise<Float32Array> {
  const build: BuildName = relaxedSimd === true || (relaxedSimd === 'auto' && relaxedSimdSupported()) ? 'relaxed-simd' : 'simd';
  const module = await compile(build);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((xs.length * 8 + 65536 * 2) / PAGE) });
  const w = (await WebAssembly.instantiate(module, { env: { memory, abort } })).exports as unknown as WasmExports;
  const x = (w.heapBase() + 15) & ~15;
  const out = x + ((xs.length * 4 + 15) & ~15);
  new Float32Array(memory.buffer, x, xs.length).set(xs);
  w.mathEval(fn === 'exp' ? 0 : fn === 'sigmoid' ? 1 : 2, x, out, xs.length);
  return new Float32Array(memory.buffer, out, xs.length).slice();
}
