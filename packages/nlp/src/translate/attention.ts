// Luong "general" global attention (Luong, Pham & Manning 2015): for each decoder state h_t and encoder outputs
// m_1..m_S of its sentence,
//   score(t, s) = h_t · (m_s W_a)          (W_a [memorySize, querySize])
//   a_t = softmax over the sentence's own source positions s < len (padding gets weight 0)
//   c_t = sum_s a_t[s] m_s                 (context)
//   y_t = tanh([c_t ; h_t] W_c)            (the attentional hidden state, W_c [memorySize + querySize, outputSize])
// It is a Layer whose input is the query sequence [B, T, querySize]; the memory [B, S, memorySize] and its lengths
// are set before each forward (as a recurrent layer's initial state is), and dL/dmemory is read after backward.
// The projections are GEMMs on the backend; scores, softmax and context run on the host over small [T, S] blocks.
import {
  type Backend,
  checkPositiveInt,
  dense,
  type FloatArray,
  type ForwardOptions,
  glorotUniform,
  InvalidArgumentError,
  type Layer,
  type LayerDef,
  type Parameter,
  type Rng,
  raw,
  releaseParameters,
  ShapeError,
  type Tensor,
  Workspace,
} from '@rnn/core';

export interface AttentionOptions {
  /** Size of the decoder states (queries). */
  querySize: number;
  /** Size of the encoder outputs (memory). */
  memorySize: number;
  /** Size of the attentional hidden state. Default querySize. */
  outputSize?: number;
}

export interface AttentionLayer extends Layer {
  /** The encoder outputs [B, S, memorySize] and their lengths (each in 1..S; null: all S) for the next forward. */
  setMemory(memory: Tensor, lengths: Int32Array | null): void;
  /** dL/dmemory [B, S, memorySize] after backward. */
  readonly memoryGrad: Tensor;
  /** Attention weights of the last forward, [B, T, S] row-major: which source positions each target step read. */
  readonly weights: Float64Array;
}

export interface AttentionDef extends LayerDef {
  build(backend: Backend, rng: Rng, name: string): AttentionLayer;
}

export function attention(options: AttentionOptions): AttentionDef {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('attention(options)', 'an options object', options);
  const Hq = checkPositiveInt('attention.querySize', options.querySize);
  const Hm = checkPositiveInt('attention.memorySize', options.memorySize);
  const Ho = checkPositiveInt('attention.outputSize', options.outputSize ?? Hq);
  return { build: (backend, rng, name) => buildAttention(backend, rng, name, Hq, Hm, Ho) };
}

function buildAttention(backend: Backend, rng: Rng, name: string, Hq: number, Hm: number, Ho: number): AttentionLayer {
  const Wa: Parameter = {
    name: `${name}.scoreKernel`,
    value: backend.tensor([Hm, Hq], glorotUniform().fill([Hm, Hq], rng)),
    grad: backend.tensor([Hm, Hq]),
  };
  const combine = dense({ inputSize: Hm + Hq, outputSize: Ho, activation: 'tanh', useBias: false }).build(backend, rng, `${name}.combine`);
  const ws = new Workspace(backend);
  let memory: Tensor | null = null;
  let memoryLengths: Int32Array | null = null;
  // the last forward, for backward
  let query: Tensor | null = null;
  let q: FloatArray = new Float64Array(0);
  let k: FloatArray = new Float64Array(0);
  let m: FloatArray = new Float64Array(0);
  let probs = new Float64Array(0);
  let lens: Int32Array = new Int32Array(0);
  let trained = false;

  const outputShape = (s: readonly number[]): number[] => {
    if (s.length !== 3 || s[2] !== Hq) throw new ShapeError('query', `[batch, time, ${Hq}] (attention.querySize)`, `[${s.join(', ')}]`);
    return [s[0]!, s[1]!, Ho];
  };

  function forward(x: Tensor, o: ForwardOptions): Tensor {
    outputShape(x.shape);
    if (!memory) throw new InvalidArgumentError('attention.memory', 'setMemory(memory, lengths) before forward', raw('no memory'));
    const [B, T] = x.shape as [number, number];
    const S = memory.shape[1]!;
    if (memory.shape[0] !== B) throw new ShapeError('memory.shape[0]', `${B} (the query batch)`, memory.shape[0]);
    lens = memoryLengths ?? new Int32Array(B).fill(S);
    const keys = ws.get('keys', [B, S, Hq]);
    backend.gemm(memory, Wa.value, keys); // k_s = m_s W_a
    q = backend.read(x);
    k = backend.read(keys);
    m = backend.read(memory);
    probs = new Float64Array(B * T * S);
    const context = new Float64Array(B * T * Hm);
    for (let b = 0; b < B; b++) {
      const L = lens[b]!;
      for (let t = 0; t < T; t++) {
        const row = (b * T + t) * S;
        const qo = (b * T + t) * Hq;
        let max = Number.NEGATIVE_INFINITY;
        for (let s = 0; s < L; s++) {
          let e = 0;
          const ko = (b * S + s) * Hq;
          for (let j = 0; j < Hq; j++) e += q[qo + j]! * k[ko + j]!;
          probs[row + s] = e;
          if (e > max) max = e;
        }
        let sum = 0;
        for (let s = 0; s < L; s++) {
          const p = Math.exp(probs[row + s]! - max);
          probs[row + s] = p;
          sum += p;
        }
        const co = (b * T + t) * Hm;
        for (let s = 0; s < L; s++) {
          const p = probs[row + s]! / sum;
          probs[row + s] = p;
          const mo = (b * S + s) * Hm;
          for (let j = 0; j < Hm; j++) context[co + j] += p * m[mo + j]!;
        }
      }
    }
    const c = ws.get('context', [B, T, Hm]);
    backend.write(c, context);
    const joined = ws.get('joined', [B, T, Hm + Hq]);
    backend.concat([c, x], joined);
    query = x;
    trained = o.training;
    return combine.forward(joined, o);
  }

  function backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    if (!query || !memory || !trained)
      throw new InvalidArgumentError('attention.backward', 'a preceding forward with training: true', raw('no training forward'));
    const [B, T] = query.shape as [number, number];
    const S = memory.shape[1]!;
    const dJoined = combine.backward(dy, true)!;
    const dc = ws.get('dContext', [B, T, Hm]);
    const dqDirect = ws.get('dQuery.direct', [B, T, Hq]);
    backend.split(dJoined, [dc, dqDirect]);
    const dC = backend.read(dc);
    const dQ = new Float64Array(B * T * Hq);
    const dK = new Float64Array(B * S * Hq);
    const dM = new Float64Array(B * S * Hm);
    const dA = new Float64Array(S);
    for (let b = 0; b < B; b++) {
      const L = lens[b]!;
      for (let t = 0; t < T; t++) {
        const row = (b * T + t) * S;
        const co = (b * T + t) * Hm;
        const qo = (b * T + t) * Hq;
        // dL/da_s = dc_t · m_s ; dL/dm_s += a_s dc_t
        let dot = 0;
        for (let s = 0; s < L; s++) {
          const mo = (b * S + s) * Hm;
          const a = probs[row + s]!;
          let g = 0;
          for (let j = 0; j < Hm; j++) {
            g += dC[co + j]! * m[mo + j]!;
            dM[mo + j] += a * dC[co + j]!;
          }
          dA[s] = g;
          dot += a * g;
        }
        // softmax backward: de_s = a_s (dA_s - sum_r a_r dA_r); then e_s = q_t · k_s
        for (let s = 0; s < L; s++) {
          const de = probs[row + s]! * (dA[s]! - dot);
          const ko = (b * S + s) * Hq;
          for (let j = 0; j < Hq; j++) {
            dQ[qo + j] += de * k[ko + j]!;
            dK[ko + j] += de * q[qo + j]!;
          }
        }
      }
    }
    const dKeys = ws.get('dKeys', [B, S, Hq]);
    backend.write(dKeys, dK);
    const dMem = ws.get('dMemory', [B, S, Hm]);
    backend.write(dMem, dM);
    backend.gemm(memory, dKeys, Wa.grad, { transA: true, beta: 1 }); // dW_a += M^T dK
    backend.gemm(dKeys, Wa.value, dMem, { transB: true, beta: 1 }); // dM += dK W_a^T
    if (!needInputGrad) return null;
    const dq = ws.get('dQuery', [B, T, Hq]);
    backend.write(dq, dQ);
    backend.add(dq, dqDirect, dq);
    return dq;
  }

  return {
    kind: 'attention',
    params: [Wa, ...combine.params],
    outputShape,
    forward,
    backward,
    setMemory(mem, lengths) {
      if (mem?.shape?.length !== 3 || mem.shape[2] !== Hm)
        throw new ShapeError('memory', `[batch, time, ${Hm}] (attention.memorySize)`, mem?.shape ? `[${mem.shape.join(', ')}]` : mem);
      if (lengths !== null) {
        if (!(lengths instanceof Int32Array) || lengths.length !== mem.shape[0])
          throw new ShapeError('memoryLengths', `an Int32Array of ${mem.shape[0]} lengths`, lengths);
        lengths.forEach((l, b) => {
          if (l < 1 || l > mem.shape[1]!) throw new InvalidArgumentError(`memoryLengths[${b}]`, `an integer in [1, ${mem.shape[1]}]`, l);
        });
      }
      memory = mem;
      memoryLengths = lengths;
    },
    get memoryGrad() {
      const g = ws.peek('dMemory');
      if (!g) throw new InvalidArgumentError('attention.memoryGrad', 'a preceding backward', raw('no backward'));
      return g;
    },
    get weights() {
      return probs;
    },
    resetState() {},
    toConfig: () => ({ kind: 'attention', querySize: Hq, memorySize: Hm, outputSize: Ho }),
    dispose() {
      combine.dispose();
      ws.dispose();
      releaseParameters(backend, [Wa]);
    },
  };
}
