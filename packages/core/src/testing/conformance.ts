// The backend conformance suite. A backend runs it with one loop in its own tests:
//   for (const c of conformanceCases(() => myBackend())) it(c.name, c.run);
// Every case compares the backend with the float64 reference backend, and checks that no tensor leaked.
import { ACTIVATIONS, type Backend, type GemmOptions, type Tensor } from '../backend/contract.js';
import type { Cell } from '../cells/cell.js';
import { gru } from '../cells/gru/index.js';
import { lstm } from '../cells/lstm/index.js';
import { simpleRnn } from '../cells/rnn/index.js';
import { RnnError, ShapeError } from '../errors.js';
import { type RecurrentLayer, recurrent } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { layerGradCheck } from './gradcheck.js';
import { referenceBackend } from './reference-backend.js';

export interface ConformanceCase {
  name: string;
  run: () => Promise<void>;
}

export interface ConformanceOptions {
  /** Element tolerance |a − e| <= tol · (1 + |e|). Default 1e-4 for float32, 1e-9 for float64. */
  tolerance?: number;
  /** Also gradient-check every cell by finite differences (float64 backends only). Default false. */
  gradientCheck?: boolean;
}

/** Cell configurations every backend must run; the fused kinds are covered by the same list. */
export const conformanceCells: ReadonlyArray<{ name: string; make: (I: number, H: number) => Cell }> = [
  { name: 'rnn tanh', make: (I, H) => simpleRnn({ inputSize: I, hiddenSize: H }) },
  { name: 'rnn relu', make: (I, H) => simpleRnn({ inputSize: I, hiddenSize: H, activation: 'relu' }) },
  { name: 'lstm', make: (I, H) => lstm({ inputSize: I, hiddenSize: H }) },
  { name: 'lstm hardSigmoid', make: (I, H) => lstm({ inputSize: I, hiddenSize: H, recurrentActivation: 'hardSigmoid' }) },
  { name: 'gru hardSigmoid6', make: (I, H) => gru({ inputSize: I, hiddenSize: H, recurrentActivation: 'hardSigmoid6' }) },
  { name: 'gru resetAfter', make: (I, H) => gru({ inputSize: I, hiddenSize: H, resetAfter: true }) },
  { name: 'gru resetBefore', make: (I, H) => gru({ inputSize: I, hiddenSize: H, resetAfter: false }) },
];

export function assertClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) throw new Error(`${what}: element ${i} is ${a}, expected ${e} (tolerance ${tol})`);
  }
}

function assertThrows(what: string, fn: () => unknown, check: (e: unknown) => boolean): void {
  try {
    fn();
  } catch (e) {
    if (check(e)) return;
    throw new Error(`${what}: threw the wrong error: ${String(e)}`);
  }
  throw new Error(`${what}: did not throw`);
}

const randomData = (rng: Rng, n: number, lo = -1, hi = 1): number[] => Array.from({ length: n }, () => rng.uniform(lo, hi));

export function conformanceCases(factory: () => Backend | Promise<Backend>, options: ConformanceOptions = {}): ConformanceCase[] {
  let instance: Promise<Backend> | null = null;
  const getBackend = (): Promise<Backend> => {
    instance ??= (async () => {
      const b = await factory();
      await b.ready();
      return b;
    })();
    return instance;
  };
  const ref = referenceBackend();
  const tolFor = (b: Backend): number => options.tolerance ?? (b.dtype === 'float64' ? 1e-9 : 1e-4);

  /** Runs fn with a fresh seeded RNG on both backends and checks neither leaked a tensor. */
  const leakChecked = (fn: (b: Backend, tol: number, rng: Rng) => void | Promise<void>) => async (): Promise<void> => {
    const b = await getBackend();
    const before = b.stats().tensors;
    const refBefore = ref.stats().tensors;
    await fn(b, tolFor(b), new Rng(7));
    if (b.stats().tensors !== before) throw new Error(`leak: ${b.stats().tensors - before} tensors not released`);
    if (ref.stats().tensors !== refBefore) throw new Error('leak in the reference backend');
  };

  /** Same op on both backends from the same random inputs; compares every output tensor. */
  const compareOp = (
    shapes: ReadonlyArray<readonly number[]>,
    op: (b: Backend, t: Tensor[]) => unknown,
    outputs: readonly number[],
    lo = -1,
    hi = 1,
  ) =>
    leakChecked((b, tol, rng) => {
      const data = shapes.map((s) =>
        randomData(
          rng,
          s.reduce((p, q) => p * q, 1),
          lo,
          hi,
        ),
      );
      const mine = shapes.map((s, i) => b.tensor(s, data[i]));
      const theirs = shapes.map((s, i) => ref.tensor(s, data[i]));
      const r1 = op(b, mine);
      const r2 = op(ref, theirs);
      try {
        if (typeof r2 === 'number') assertClose('returned value', [r1 as number], [r2], tol);
        for (const i of outputs) assertClose(`output ${i}`, b.read(mine[i]!), ref.read(theirs[i]!), tol);
      } finally {
        mine.forEach((t) => b.release(t));
        theirs.forEach((t) => ref.release(t));
      }
    });

  const cases: ConformanceCase[] = [];
  const add = (name: string, run: () => Promise<void>): void => void cases.push({ name, run });

  add('reports its contract', async () => {
    const b = await getBackend();
    if (b.specificationVersion !== 1) throw new Error(`specificationVersion ${b.specificationVersion}`);
    if (!b.isReady) throw new Error('isReady is false after ready()');
    for (const k of b.capabilities.fused)
      if (typeof b.rnnForward !== 'function' || typeof b.rnnBackward !== 'function')
        throw new Error(`capabilities.fused lists ${k} but rnnForward/rnnBackward are missing`);
  });

  add(
    'tensor create, read, write, release and stats',
    leakChecked((b) => {
      const t = b.tensor([2, 3], [1, 2, 3, 4, 5, 6]);
      assertClose('read', b.read(t), [1, 2, 3, 4, 5, 6], 0);
      b.write(t, [6, 5, 4, 3, 2, 1]);
      assertClose('read after write', b.read(t), [6, 5, 4, 3, 2, 1], 0);
      const z = b.tensor([4]);
      assertClose('zeros', b.read(z), [0, 0, 0, 0], 0);
      if (b.stats().bytes <= 0) throw new Error('stats().bytes is not positive with live tensors');
      b.release(z);
      assertThrows(
        'read after release',
        () => b.read(z),
        (e) => RnnError.isInstance(e) && e.code === 'RELEASED_TENSOR',
      );
      assertThrows(
        'wrong data length',
        () => b.write(t, [1, 2]),
        (e) => e instanceof ShapeError,
      );
      b.release(t);
    }),
  );

  // GEMM in every transpose combination, with alpha, beta and bias, on odd sizes that defeat tiling.
  for (const transA of [false, true])
    for (const transB of [false, true])
      for (const [m, n, k] of [
        [1, 7, 5],
        [13, 17, 9],
        [33, 65, 31],
      ] as const) {
        const opts: GemmOptions = { transA, transB };
        add(
          `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`,
          compareOp([transA ? [k, m] : [m, k], transB ? [n, k] : [k, n], [m, n]], (b, [A, B, C]) => b.gemm(A!, B!, C!, opts), [2]),
        );
        add(
          `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k} alpha beta bias`,
          compareOp(
            [transA ? [k, m] : [m, k], transB ? [n, k] : [k, n], [m, n], [n]],
            (b, [A, B, C, bias]) => b.gemm(A!, B!, C!, { ...opts, alpha: 0.5, beta: 0.75, bias: bias! }),
            [2],
          ),
        );
      }
  add(
    'gemm on rank-3 matrix views',
    compareOp(
      [
        [3, 4, 5],
        [5, 6],
        [3, 4, 6],
      ],
      (b, [A, B, C]) => b.gemm(A!, B!, C!),
      [2],
    ),
  );
  add(
    'gemm rejects mismatched shapes',
    leakChecked((b) => {
      const [A, B, C] = [b.tensor([2, 3]), b.tensor([4, 5]), b.tensor([2, 5])];
      assertThrows(
        'inner dims',
        () => b.gemm(A, B, C),
        (e) => e instanceof ShapeError,
      );
      [A, B, C].forEach((t) => b.release(t));
    }),
  );

  const s = [37, 11];
  add(
    'fill',
    compareOp([s], (b, [X]) => b.fill(X!, 0.25), [0]),
  );
  add(
    'copy',
    compareOp([s, s], (b, [X, Y]) => b.copy(X!, Y!), [1]),
  );
  add(
    'add',
    compareOp([s, s, s], (b, [X, Y, Z]) => b.add(X!, Y!, Z!), [2]),
  );
  add(
    'sub',
    compareOp([s, s, s], (b, [X, Y, Z]) => b.sub(X!, Y!, Z!), [2]),
  );
  add(
    'mul',
    compareOp([s, s, s], (b, [X, Y, Z]) => b.mul(X!, Y!, Z!), [2]),
  );
  add(
    'mul in place',
    compareOp([s, s], (b, [X, Y]) => b.mul(X!, Y!, X!), [0]),
  );
  add(
    'addMul',
    compareOp([s, s, s], (b, [X, Y, Z]) => b.addMul(X!, Y!, Z!), [2]),
  );
  add(
    'axpy',
    compareOp([s, s], (b, [X, Y]) => b.axpy(-0.3, X!, Y!), [1]),
  );
  add(
    'scale',
    compareOp([s, s], (b, [X, Y]) => b.scale(X!, 1.7, Y!), [1]),
  );
  add(
    'clip',
    compareOp([s, s], (b, [X, Y]) => b.clip(X!, -0.4, 0.3, Y!), [1]),
  );
  for (const kind of ACTIVATIONS) {
    add(
      `activation ${kind}`,
      compareOp([s, s], (b, [X, Y]) => b.activation(kind, X!, Y!), [1], -6, 6),
    );
    add(
      `activationGrad ${kind}`,
      compareOp(
        [s, s, s, s],
        (b, [X, Y, D, O]) => {
          b.activation(kind, X!, Y!);
          b.activationGrad(kind, Y!, D!, O!);
        },
        [3],
        -4,
        4,
      ),
    );
  }
  add(
    'sumRows',
    compareOp([s, [11]], (b, [X, O]) => b.sumRows(X!, O!), [1]),
  );
  add(
    'sumRows accumulate',
    compareOp([[5, 3, 11], [11]], (b, [X, O]) => b.sumRows(X!, O!, 1), [1]),
  );
  add(
    'sumSquares',
    compareOp([s], (b, [X]) => b.sumSquares(X!), []),
  );
  add(
    'concat',
    compareOp(
      [
        [6, 3],
        [6, 5],
        [6, 2],
        [6, 10],
      ],
      (b, [A, B, C, O]) => b.concat([A!, B!, C!], O!),
      [3],
    ),
  );
  add(
    'split',
    compareOp(
      [
        [6, 10],
        [6, 3],
        [6, 5],
        [6, 2],
      ],
      (b, [X, A, B, C]) => b.split(X!, [A!, B!, C!]),
      [1, 2, 3],
    ),
  );
  add(
    'getStep',
    compareOp(
      [
        [3, 5, 4],
        [3, 4],
      ],
      (b, [S, O]) => b.getStep(S!, 2, O!),
      [1],
    ),
  );
  add(
    'setStep',
    compareOp(
      [
        [3, 5, 4],
        [3, 4],
      ],
      (b, [S, X]) => b.setStep(S!, 4, X!),
      [0],
    ),
  );
  add(
    'setStep accumulate',
    compareOp(
      [
        [3, 5, 4],
        [3, 4],
      ],
      (b, [S, X]) => b.setStep(S!, 1, X!, true),
      [0],
    ),
  );
  add(
    'softmaxCrossEntropy',
    compareOp(
      [
        [9, 7],
        [9, 7],
      ],
      (b, [L, D]) => b.softmaxCrossEntropy(L!, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 0, 3]), D!),
      [1],
      -5,
      5,
    ),
  );
  add(
    'softmaxCrossEntropy with large logits',
    compareOp(
      [
        [4, 3],
        [4, 3],
      ],
      (b, [L, D]) => b.softmaxCrossEntropy(L!, Int32Array.from([0, 1, 2, 1]), D!),
      [1],
      500,
      900,
    ),
  );
  for (const kind of ['mse', 'mae', 'huber', 'bce'] as const)
    add(
      `pointwiseLoss ${kind}`,
      compareOp([s, s, s], (b, [P, Y, D]) => b.pointwiseLoss(kind, P!, Y!, D!, 0.3), [2], -3, 3),
    );
  add(
    'softmaxCrossEntropy with class weights and ignore index',
    compareOp(
      [
        [6, 4],
        [6, 4],
      ],
      (b, [L, D]) =>
        b.softmaxCrossEntropy(L!, Int32Array.from([0, -100, 3, 1, -100, 2]), D!, {
          classWeights: Float64Array.from([1, 2, 0.5, 3]),
          ignoreIndex: -100,
        }),
      [1],
      -3,
      3,
    ),
  );
  add(
    'mulRows',
    compareOp([[4, 3, 5], [12], [4, 3, 5]], (b, [X, M, O]) => b.mulRows(X!, M!, O!), [2]),
  );
  add(
    'reverseTime',
    compareOp(
      [
        [3, 5, 2],
        [3, 5, 2],
      ],
      (b, [X, O]) => b.reverseTime(X!, null, O!),
      [1],
    ),
  );
  add(
    'reverseTime within lengths',
    compareOp(
      [
        [3, 5, 2],
        [3, 5, 2],
      ],
      (b, [X, O]) => b.reverseTime(X!, Int32Array.from([5, 2, 1]), O!),
      [1],
    ),
  );
  add(
    'gatherRows and scatterAddRows',
    leakChecked((b, tol) => {
      const data = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
      const run = (be: Backend) => {
        const table = be.tensor([4, 3], data);
        const idx = be.tensor([2, 3], [3, 0, 0, 2, 1, 3]);
        const out = be.tensor([2, 3, 3]);
        be.gatherRows(table, idx, out);
        be.scatterAddRows(out, idx, table, 0);
        const r = [be.read(out), be.read(table)];
        [table, idx, out].forEach((t) => be.release(t));
        return r;
      };
      const [mine, theirs] = [run(b), run(ref)];
      assertClose('gathered', mine[0]!, theirs[0]!, tol);
      assertClose('scattered', mine[1]!, theirs[1]!, tol);
      const table = b.tensor([4, 3]);
      const bad = b.tensor([2], [1, 4]);
      const out = b.tensor([2, 3]);
      assertThrows(
        'index out of range',
        () => b.gatherRows(table, bad, out),
        (e) => RnnError.isInstance(e) && /indices\[1\]/.test(e.message),
      );
      [table, bad, out].forEach((t) => b.release(t));
    }),
  );
  add(
    'adamUpdate',
    compareOp(
      [s, s, s, s],
      (b, [P, G, M, V]) => {
        b.fill(M!, 0);
        b.fill(V!, 0);
        for (let step = 1; step <= 3; step++)
          b.adamUpdate(P!, G!, M!, V!, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step, weightDecay: 0.01 });
      },
      [0, 2, 3],
    ),
  );
  add(
    'rmspropUpdate with and without momentum',
    compareOp(
      [s, s, s, s],
      (b, [P, G, S, M]) => {
        b.fill(S!, 0);
        b.fill(M!, 0);
        for (let i = 0; i < 3; i++) b.rmspropUpdate(P!, G!, S!, M!, { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0.5, weightDecay: 0.01 });
        b.rmspropUpdate(P!, G!, S!, null, { lr: 0.01, rho: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0 });
      },
      [0, 2, 3],
    ),
  );
  add(
    'adagradUpdate',
    compareOp(
      [s, s, s],
      (b, [P, G, S]) => {
        b.fill(S!, 0.1);
        for (let i = 0; i < 3; i++) b.adagradUpdate(P!, G!, S!, { lr: 0.05, eps: 1e-10, weightDecay: 0.001 });
      },
      [0, 2],
    ),
  );
  add(
    'sgdUpdate with Nesterov momentum',
    compareOp(
      [s, s, s],
      (b, [P, G, V]) => {
        b.fill(V!, 0);
        for (let i = 0; i < 3; i++) b.sgdUpdate(P!, G!, V!, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
        b.sgdUpdate(P!, G!, null, { lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0 });
      },
      [0, 2],
    ),
  );

  // Cells through the recurrent layer: every backend agrees with the reference; fused agrees with composed.
  const [B, T, I, H] = [3, 6, 4, 5];
  interface RunOptions {
    returnSequences: boolean;
    useFused: boolean;
    lengths?: Int32Array;
    reverse?: boolean;
  }
  const runLayer = (b: Backend, cell: Cell, o: RunOptions, xData: number[], rData: number[], h0?: number[][]) => {
    const layer = recurrent({
      cell,
      returnSequences: o.returnSequences,
      useFused: o.useFused,
      reverse: o.reverse,
      recordGradNorms: true,
    }).build(b, new Rng(3), 'l') as RecurrentLayer;
    const x = b.tensor([B, T, I], xData);
    const init = h0?.map((d) => b.tensor([B, H], d));
    if (init) layer.setInitialState(init);
    const y = layer.forward(x, { training: true, lengths: o.lengths });
    const dy = b.tensor(y.shape, rData.slice(0, y.size));
    const finalGrad = layer.finalState.map((_, k) => b.tensor([B, H], rData.slice(k * B * H, (k + 1) * B * H)));
    layer.setFinalStateGrad(finalGrad);
    const dx = layer.backward(dy, true)!;
    const out = {
      y: b.read(y),
      final: layer.finalState.map((t) => b.read(t)),
      dx: b.read(dx),
      dInit: layer.initialStateGrad.map((t) => b.read(t)),
      grads: layer.params.map((p) => b.read(p.grad)),
      norms: layer.stepGradNorms!,
      fused: layer.usedFused,
    };
    layer.dispose();
    [x, dy, ...(init ?? []), ...finalGrad].forEach((t) => b.release(t));
    return out;
  };
  const compareRuns = (what: string, a: ReturnType<typeof runLayer>, e: ReturnType<typeof runLayer>, tol: number): void => {
    assertClose(`${what} output`, a.y, e.y, tol);
    a.final.forEach((f, k) => assertClose(`${what} final state ${k}`, f, e.final[k]!, tol));
    assertClose(`${what} dx`, a.dx, e.dx, tol);
    a.dInit.forEach((f, k) => assertClose(`${what} initial state grad ${k}`, f, e.dInit[k]!, tol));
    a.grads.forEach((g, k) => assertClose(`${what} param grad ${k}`, g, e.grads[k]!, tol));
    assertClose(`${what} step grad norms`, a.norms, e.norms, tol);
  };

  const variants: ReadonlyArray<{ label: string; o: Omit<RunOptions, 'useFused'> }> = [
    { label: 'many-to-many', o: { returnSequences: true } },
    { label: 'many-to-one', o: { returnSequences: false } },
    { label: 'padded batch (lengths 6, 2, 4)', o: { returnSequences: true, lengths: Int32Array.from([6, 2, 4]) } },
    { label: 'reversed, padded, many-to-one', o: { returnSequences: false, reverse: true, lengths: Int32Array.from([3, 6, 1]) } },
  ];
  for (const { name, make } of conformanceCells)
    for (const { label, o } of variants) {
      add(
        `cell ${name} ${label}: forward and BPTT match the reference`,
        leakChecked((b, tol, rng) => {
          const cell = make(I, H);
          const xData = randomData(rng, B * T * I, -2, 2);
          const rData = randomData(rng, B * T * H);
          const h0 = cell.stateNames.map(() => randomData(rng, B * H, -0.5, 0.5));
          const expected = runLayer(ref, cell, { ...o, useFused: false }, xData, rData, h0);
          compareRuns('composed', runLayer(b, cell, { ...o, useFused: false }, xData, rData, h0), expected, tol);
          if (cell.fused && b.capabilities.fused.includes(cell.fused.kind)) {
            const fused = runLayer(b, cell, { ...o, useFused: true }, xData, rData, h0);
            if (!fused.fused) throw new Error('the layer did not use the advertised fused kernel');
            compareRuns('fused', fused, expected, tol);
          }
        }),
      );
    }

  add(
    'fused kernels run inference without a reserve and match training outputs',
    leakChecked((b, tol, rng) => {
      for (const { make } of conformanceCells) {
        const cell = make(I, H);
        if (!cell.fused || !b.capabilities.fused.includes(cell.fused.kind)) continue;
        const layer = recurrent({ cell, returnSequences: true }).build(b, new Rng(5), 'l');
        const x = b.tensor([B, T, I], randomData(rng, B * T * I));
        const a = b.read(layer.forward(x, { training: false }));
        const e = b.read(layer.forward(x, { training: true }));
        assertClose('inference vs training output', a, e, tol);
        layer.dispose();
        b.release(x);
      }
    }),
  );

  if (options.gradientCheck)
    add('float64 gradient check of every cell', async () => {
      const b = await getBackend();
      if (b.dtype !== 'float64') throw new Error(`gradientCheck needs a float64 backend, this one is ${b.dtype}`);
      for (const { name, make } of conformanceCells)
        for (const useFused of [false, true]) {
          const r = layerGradCheck(b, recurrent({ cell: make(3, 4), returnSequences: true, useFused }), { inputShape: [2, 5, 3] });
          if (!(r.maxRelError < 1e-4)) throw new Error(`${name} (fused ${useFused}): gradient check failed: ${JSON.stringify(r)}`);
        }
    });

  return cases;
}
