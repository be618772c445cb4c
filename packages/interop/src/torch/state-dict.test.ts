import { jsBackend } from '@rnn/backend-js';
import {
  bidirectional,
  type Cell,
  dense,
  dropout,
  embedding,
  gru,
  InvalidArgumentError,
  type LayerDef,
  lstm,
  meanSquaredError,
  NonFiniteError,
  Rng,
  recurrent,
  Sequential,
  ShapeError,
  sgd,
  simpleRnn,
  stackedRecurrent,
  UnsupportedError,
} from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { modelFromTorch } from './build.js';
import { randomTorchRnn, type StateDict, torchRnn } from './reference.test-helpers.js';
import { readSafetensors, type StoredTensor, writeSafetensors } from './safetensors.js';
import { loadTorchStateDict, type TorchNaming, toTorchStateDict } from './state-dict.js';

const list = (a: ArrayLike<number | bigint>): (number | bigint)[] => Array.from(a);

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const f64 = jsBackend({ dtype: 'float64' });

function build(layers: LayerDef[], backend = jsBackend(), seed = 1): Sequential {
  const model = new Sequential(backend, { layers, loss: meanSquaredError(), optimizer: sgd(), seed });
  const rng = new Rng(seed + 50);
  model.setWeights(
    Object.fromEntries(model.params.map((p) => [p.name, Float64Array.from({ length: p.value.size }, () => rng.uniform(-0.7, 0.7))])),
  );
  return model;
}

const t = (shape: number[], values: number[]): StoredTensor => ({ dtype: 'F64', shape, data: Float64Array.from(values) });

describe('hand-computed cases from the PyTorch equations', () => {
  // PyTorch GRU: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
  // n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h. Blocks r, z, n in that order.
  const Wih = [0.5, -0.3, 0.8, 0.1, -0.6, 0.9]; // rows r1 r2 z1 z2 n1 n2, one input
  const Whh = [0.2, -0.1, 0.4, 0.3, -0.5, 0.6, 0.7, -0.2, 0.3, 0.8, -0.4, 0.1]; // [6, 2]
  const bih = [0.05, -0.15, 0.25, 0.1, -0.2, 0.3];
  const bhh = [-0.1, 0.2, 0.15, -0.05, 0.4, -0.35];
  const gruStateDict = (): StateDict =>
    new Map([
      ['gru.weight_ih_l0', t([6, 1], Wih)],
      ['gru.weight_hh_l0', t([6, 2], Whh)],
      ['gru.bias_ih_l0', t([6], bih)],
      ['gru.bias_hh_l0', t([6], bhh)],
    ]);
  const gruStep = (x: number, h: [number, number]): [number, number] =>
    [0, 1].map((j) => {
      const wh = (row: number): number => Whh[row * 2]! * h[0] + Whh[row * 2 + 1]! * h[1];
      const r = sigmoid(Wih[j]! * x + bih[j]! + wh(j) + bhh[j]!);
      const z = sigmoid(Wih[2 + j]! * x + bih[2 + j]! + wh(2 + j) + bhh[2 + j]!);
      const n = Math.tanh(Wih[4 + j]! * x + bih[4 + j]! + r * (wh(4 + j) + bhh[4 + j]!));
      return (1 - z) * n + z * h[j]!;
    }) as [number, number];

  it('a 1-step GRU, H = 2, I = 1: gate order r, z, n and b_hn inside the reset product', () => {
    const expected = gruStep(0.7, [0, 0]);
    // by hand, unit 0: r = σ(0.35 + 0.05 − 0.1) = σ(0.3); z = σ(0.56 + 0.25 + 0.15) = σ(0.96);
    // n = tanh(−0.42 − 0.2 + σ(0.3)·0.4); h = (1 − σ(0.96))·n
    expect(expected[0]).toBeCloseTo((1 - sigmoid(0.96)) * Math.tanh(-0.62 + sigmoid(0.3) * 0.4), 14);
    const model = modelFromTorch(f64, gruStateDict(), { rnn: 'gru' });
    const y = model.predict({ data: [0.7], shape: [1, 1, 1] });
    expect(y.shape).toEqual([1, 2]);
    expect(Math.abs(y.data[0]! - expected[0])).toBeLessThan(1e-14);
    expect(Math.abs(y.data[1]! - expected[1])).toBeLessThan(1e-14);
    model.dispose();
  });

  it('a 2-step GRU (the recurrent weights matter)', () => {
    const expected = gruStep(-1.2, gruStep(0.7, [0, 0]));
    const model = modelFromTorch(f64, gruStateDict(), { rnn: 'gru' });
    const y = model.predict({ data: [0.7, -1.2], shape: [1, 2, 1] });
    expect(Math.abs(y.data[0]! - expected[0])).toBeLessThan(1e-14);
    expect(Math.abs(y.data[1]! - expected[1])).toBeLessThan(1e-14);
    // rnn's resetAfter GRU holds both biases: bias ↔ bias_ih, recurrentBias ↔ bias_hh, blocks z, r, n
    const w = model.getWeights();
    expect(Array.from(w['0.bias']!)).toEqual([0.25, 0.1, 0.05, -0.15, -0.2, 0.3]);
    expect(Array.from(w['0.recurrentBias']!)).toEqual([0.15, -0.05, -0.1, 0.2, 0.4, -0.35]);
    expect(Array.from(w['0.kernel']!)).toEqual([0.8, 0.1, 0.5, -0.3, -0.6, 0.9]);
    model.dispose();
  });

  it('a 2-step LSTM, H = 1: gate order i, f, g, o, bias = b_ih + b_hh', () => {
    // rows i f g o
    const [wi, wf, wg, wo] = [0.3, -0.8, 0.6, 0.9];
    const [ui, uf, ug, uo] = [-0.4, 0.5, 0.7, -0.2];
    const bi = [0.1, 0.2, -0.3, 0.4];
    const bh = [-0.2, 0.6, 0.1, -0.05];
    const sd: StateDict = new Map([
      ['lstm.weight_ih_l0', t([4, 1], [wi, wf, wg, wo])],
      ['lstm.weight_hh_l0', t([4, 1], [ui, uf, ug, uo])],
      ['lstm.bias_ih_l0', t([4], bi)],
      ['lstm.bias_hh_l0', t([4], bh)],
    ]);
    let [h, c] = [0, 0];
    for (const x of [0.5, -1.1]) {
      const i = sigmoid(wi * x + bi[0]! + ui * h + bh[0]!);
      const f = sigmoid(wf * x + bi[1]! + uf * h + bh[1]!);
      const g = Math.tanh(wg * x + bi[2]! + ug * h + bh[2]!);
      const o = sigmoid(wo * x + bi[3]! + uo * h + bh[3]!);
      c = f * c + i * g;
      h = o * Math.tanh(c);
    }
    const model = modelFromTorch(f64, sd, { rnn: 'lstm' });
    expect(Math.abs(model.predict({ data: [0.5, -1.1], shape: [1, 2, 1] }).data[0]! - h)).toBeLessThan(1e-14);
    expect(Array.from(model.getWeights()['0.bias']!)).toEqual(bi.map((v, k) => v + bh[k]!));
    model.dispose();
  });

  it('an nn.RNN with relu, H = 2, and a bias=False GRU (zero biases)', () => {
    const [W, U, bi, bh] = [
      [0.9, -0.5],
      [0.3, -0.6, 0.2, 0.4],
      [0.1, 0.3],
      [-0.2, 0.05],
    ];
    const x = [1.3, 0.4];
    let h = [0, 0];
    for (const v of x) h = [0, 1].map((j) => Math.max(0, W![j]! * v + bi![j]! + U![2 * j]! * h[0]! + U![2 * j + 1]! * h[1]! + bh![j]!));
    const sd: StateDict = new Map([
      ['weight_ih_l0', t([2, 1], W!)],
      ['weight_hh_l0', t([2, 2], U!)],
      ['bias_ih_l0', t([2], bi!)],
      ['bias_hh_l0', t([2], bh!)],
    ]);
    const model = modelFromTorch(f64, sd, { rnn: { module: '', nonlinearity: 'relu' } });
    const y = model.predict({ data: x, shape: [1, 2, 1] });
    expect(Math.max(...y.data.map((v, j) => Math.abs(v - h[j]!)))).toBeLessThan(1e-14);
    model.dispose();

    const noBias = new Map([...gruStateDict()].filter(([k]) => k.includes('weight')));
    const g = modelFromTorch(f64, noBias, { rnn: 'gru' });
    expect(g.getWeights()['0.bias']!.every((v) => v === 0)).toBe(true);
    expect(g.getWeights()['0.recurrentBias']!.every((v) => v === 0)).toBe(true);
    expect(toTorchStateDict(g, { rnn: 'gru' }, { bias: false }).size).toBe(2);
    g.dispose();
  });
});

describe('PyTorch state_dict ↔ rnn, checked against the PyTorch equations in float64', () => {
  for (const mode of ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'] as const)
    it(`${mode}: 2 layers, bidirectional, padded batch`, () => {
      const rng = new Rng(3);
      const sd = randomTorchRnn(rng, 'rnn', { mode, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true });
      const model = modelFromTorch(f64, sd, {
        rnn: {
          module: 'rnn',
          returnSequences: true,
          ...(mode.startsWith('RNN') ? { nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' } : {}),
        },
      });
      const x = Float64Array.from({ length: 3 * 5 * 3 }, () => rng.uniform(-2, 2));
      const lengths = [5, 3, 1];
      const ref = torchRnn(sd, 'rnn', mode, x, [3, 5, 3], lengths);
      const y = model.predict({ data: x, shape: [3, 5, 3] }, { lengths });
      expect(y.shape).toEqual([3, 5, 8]);
      expect(Math.max(...y.data.map((v, i) => Math.abs(v - ref.output[i]!)))).toBeLessThan(1e-12);
      model.dispose();
    });
});

describe('rnn → PyTorch state_dict → rnn', () => {
  const variants: [string, () => LayerDef[], TorchNaming][] = [
    [
      'embedding → 2-layer bidirectional LSTM with dropout → 2 linear heads',
      () => [
        embedding({ vocabSize: 11, embeddingSize: 5, paddingIndex: 0 }),
        ...stackedRecurrent({
          cell: (i) => lstm({ inputSize: i, hiddenSize: 4 }),
          inputSize: 5,
          numLayers: 2,
          bidirectional: 'concat',
          dropoutBetween: 0.2,
        }),
        dense({ inputSize: 8, outputSize: 6, activation: 'relu' }),
        dense({ inputSize: 6, outputSize: 3 }),
      ],
      { embedding: 'embed', rnn: 'lstm', head: ['fc1', 'fc2'] },
    ],
    [
      'GRU → linear',
      () => [recurrent({ cell: gru({ inputSize: 3, hiddenSize: 4 }) }), dense({ inputSize: 4, outputSize: 2 })],
      { rnn: 'gru', head: 'fc' },
    ],
    [
      '3-layer relu RNN, top-level keys',
      () => stackedRecurrent({ cell: (i) => simpleRnn({ inputSize: i, hiddenSize: 3, activation: 'relu' }), inputSize: 2, numLayers: 3 }),
      { rnn: '' },
    ],
    [
      'two separate recurrent modules named by a function',
      () => [
        bidirectional({ cell: gru({ inputSize: 3, hiddenSize: 2 }), returnSequences: true }),
        dense({ inputSize: 4, outputSize: 3 }),
        recurrent({ cell: lstm({ inputSize: 3, hiddenSize: 2 }) }),
      ],
      (layer, i) => `${layer.kind}${i}`,
    ],
  ];
  for (const [name, layers, names] of variants) {
    it(`${name}: bit-exact through a state_dict and through safetensors bytes`, () => {
      const a = build(layers());
      const sd = toTorchStateDict(a, names);
      const b = build(layers(), jsBackend(), 9);
      loadTorchStateDict(b, sd, names);
      expect(b.getWeights()).toEqual(a.getWeights());
      const bytes = writeSafetensors(sd, { format: 'pt' });
      const file = readSafetensors(bytes);
      expect(file.metadata).toEqual({ format: 'pt' });
      const c = build(layers(), jsBackend(), 17);
      loadTorchStateDict(c, file.tensors, names);
      expect(c.getWeights()).toEqual(a.getWeights());
      for (const m of [a, b, c]) m.dispose();
    });
  }

  it('float64 models round-trip exactly with dtype F64', () => {
    const layers = (): LayerDef[] => [recurrent({ cell: gru({ inputSize: 2, hiddenSize: 3 }) })];
    const a = build(layers(), f64);
    const b = build(layers(), f64, 4);
    loadTorchStateDict(b, readSafetensors(writeSafetensors(toTorchStateDict(a, { rnn: 'gru' }, { dtype: 'F64' }))).tensors, { rnn: 'gru' });
    expect(b.getWeights()).toEqual(a.getWeights());
    a.dispose();
    b.dispose();
  });

  it('writes PyTorch names, shapes and layouts', () => {
    const model = build([
      embedding({ vocabSize: 10, embeddingSize: 3 }),
      bidirectional({ cell: gru({ inputSize: 3, hiddenSize: 2 }), returnSequences: true }),
      bidirectional({ cell: gru({ inputSize: 4, hiddenSize: 2 }) }),
      dense({ inputSize: 4, outputSize: 5 }),
    ]);
    const sd = toTorchStateDict(model, { embedding: 'embed', rnn: 'gru', head: 'fc' });
    expect([...sd].map(([k, v]) => `${k} ${v.dtype} [${v.shape}]`)).toEqual([
      'embed.weight F32 [10,3]',
      'gru.weight_ih_l0 F32 [6,3]',
      'gru.weight_hh_l0 F32 [6,2]',
      'gru.bias_ih_l0 F32 [6]',
      'gru.bias_hh_l0 F32 [6]',
      'gru.weight_ih_l0_reverse F32 [6,3]',
      'gru.weight_hh_l0_reverse F32 [6,2]',
      'gru.bias_ih_l0_reverse F32 [6]',
      'gru.bias_hh_l0_reverse F32 [6]',
      'gru.weight_ih_l1 F32 [6,4]',
      'gru.weight_hh_l1 F32 [6,2]',
      'gru.bias_ih_l1 F32 [6]',
      'gru.bias_hh_l1 F32 [6]',
      'gru.weight_ih_l1_reverse F32 [6,4]',
      'gru.weight_hh_l1_reverse F32 [6,2]',
      'gru.bias_ih_l1_reverse F32 [6]',
      'gru.bias_hh_l1_reverse F32 [6]',
      'fc.weight F32 [5,4]',
      'fc.bias F32 [5]',
    ]);
    // rows-out: weight_ih[row][col] = kernel[col][block-swapped row]; GRU r (torch block 0) is rnn block 1
    const w = model.getWeights();
    const kernel = w['1.forward.kernel']!; // [3, 6] cols z z r r n n
    const wih = sd.get('gru.weight_ih_l0')!.data;
    expect(wih[0 * 3 + 2]).toBe(kernel[2 * 6 + 2]); // r unit 0, input 2
    expect(wih[2 * 3 + 1]).toBe(kernel[1 * 6 + 0]); // z unit 0, input 1
    expect(wih[5 * 3 + 0]).toBe(kernel[0 * 6 + 5]); // n unit 1, input 0
    expect(sd.get('fc.weight')!.data[4 * 4 + 1]).toBe(w['3.kernel']![1 * 5 + 4]);
    model.dispose();
  });

  it('LSTM and RNN biases go to bias_ih with a zero bias_hh', () => {
    const model = build([recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2 }) })]);
    const sd = toTorchStateDict(model, { rnn: 'lstm' });
    expect(list(sd.get('lstm.bias_ih_l0')!.data)).toEqual(Array.from(model.getWeights()['0.bias']!));
    expect(list(sd.get('lstm.bias_hh_l0')!.data)).toEqual(new Array(8).fill(0));
    model.dispose();
  });
});

describe('PyTorch mapping errors', () => {
  const lstmModel = (): Sequential =>
    build([recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2 }) }), dense({ inputSize: 2, outputSize: 1 })]);
  const names = { rnn: 'lstm', head: 'fc' };

  it('rejects what a PyTorch module cannot express', () => {
    const cases: [LayerDef[], RegExp][] = [
      [[recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2, resetAfter: false }) })], /layers\[0\]\.cell\.resetAfter: expected true/],
      [
        [recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2, recurrentActivation: 'hardSigmoid' }) })],
        /layers\[0\]\.cell\.recurrentActivation: expected "sigmoid"/,
      ],
      [[recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2, activation: 'relu' }) })], /layers\[0\]\.cell\.activation: expected "tanh"/],
      [[recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2 }), reverse: true })], /layers\[0\]\.reverse/],
      [
        [
          bidirectional({ cell: lstm({ inputSize: 2, hiddenSize: 2 }), mergeMode: 'sum', returnSequences: true }),
          bidirectional({ cell: lstm({ inputSize: 2, hiddenSize: 2 }) }),
        ],
        /layers\[0\]\.mergeMode: expected "concat"/,
      ],
      [
        [
          recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2 }), returnSequences: true }),
          recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2 }) }),
        ],
        /layers\[1\]: expected a LSTM layer \(one PyTorch module has one mode\)/,
      ],
      [
        [
          recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 2 }), returnSequences: true }),
          recurrent({ cell: lstm({ inputSize: 2, hiddenSize: 3 }) }),
        ],
        /layers\[1\]\.cell\.hiddenSize: expected 2/,
      ],
      [
        [recurrent({ cell: { ...gru({ inputSize: 2, hiddenSize: 2 }), kind: 'peephole' } as Cell })],
        /layers\[0\]\.cell: expected a built-in cell/,
      ],
    ];
    for (const [layers, message] of cases) {
      const model = build(layers);
      expect(() => toTorchStateDict(model, { rnn: 'rnn' })).toThrow(UnsupportedError);
      expect(() => toTorchStateDict(model, { rnn: 'rnn' })).toThrow(message);
      expect(() => loadTorchStateDict(model, {}, { rnn: 'rnn' })).toThrow(UnsupportedError);
      model.dispose();
    }
  });

  it('names: missing prefixes, head counts, duplicates and layouts the object form cannot name', () => {
    const model = lstmModel();
    expect(() => toTorchStateDict(model, { rnn: 'lstm' })).toThrow(/names\.head: expected 1 module prefix\(es\)/);
    expect(() => toTorchStateDict(model, { head: 'fc' })).toThrow(/names\.rnn: expected a module prefix/);
    expect(() => toTorchStateDict(model, { rnn: 'm', head: 'm' })).toThrow(/expected a prefix not used by another module, received "m"/);
    expect(() => toTorchStateDict(model, () => null)).toThrow(/names\(layers\[0\]\): expected a module prefix/);
    expect(() => toTorchStateDict(model, 'lstm' as never)).toThrow(InvalidArgumentError);
    expect(() => toTorchStateDict(model, names, { dtype: 'F16' as never })).toThrow(/options\.dtype/);
    model.dispose();
    const split = build([
      recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2 }), returnSequences: true }),
      dense({ inputSize: 2, outputSize: 2 }),
      recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2 }) }),
    ]);
    expect(() => toTorchStateDict(split, { rnn: 'gru', head: 'fc' })).toThrow(/layers\[1\] sits between recurrent layers/);
    split.dispose();
    const dropoutOnly = build([
      recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2 }), returnSequences: true }),
      dropout({ rate: 0.5 }),
      recurrent({ cell: gru({ inputSize: 2, hiddenSize: 2 }) }),
    ]);
    expect([...toTorchStateDict(dropoutOnly, { rnn: 'gru' }).keys()]).toContain('gru.weight_ih_l1');
    dropoutOnly.dispose();
  });

  it('bias: false needs zero biases', () => {
    const model = lstmModel();
    expect(() => toTorchStateDict(model, names, { bias: false })).toThrow(/options\.bias: expected zero recurrent biases/);
    model.dispose();
  });

  it('loading: missing keys, wrong shapes, extra keys, non-finite values, projections; nothing is written on failure', () => {
    const model = lstmModel();
    const good = toTorchStateDict(model, names);
    const before = model.getWeights();
    const without = (key: string): Map<string, StoredTensor> => new Map([...good].filter(([k]) => k !== key));
    const replaced = (key: string, v: StoredTensor): Map<string, StoredTensor> => new Map([...good, [key, v]]);
    expect(() => loadTorchStateDict(model, without('fc.bias'), names)).toThrow(InvalidArgumentError);
    expect(() => loadTorchStateDict(model, without('fc.bias'), names)).toThrow(
      /stateDict\["fc\.bias"\]: expected a tensor of shape \[1\] \(nn\.Linear\(2, 1\)\.bias\), received no such key/,
    );
    expect(() => loadTorchStateDict(model, without('lstm.bias_hh_l0'), names)).toThrow(/stateDict\["lstm\.bias_hh_l0"\]/);
    expect(() => loadTorchStateDict(model, replaced('lstm.weight_hh_l0', t([8, 3], new Array(24).fill(0))), names)).toThrow(ShapeError);
    expect(() => loadTorchStateDict(model, replaced('lstm.weight_hh_l0', t([8, 3], new Array(24).fill(0))), names)).toThrow(
      /stateDict\["lstm\.weight_hh_l0"\]: expected shape \[8, 2\] \(LSTM layer 0, W_hh\), received \[8, 3\]/,
    );
    expect(() => loadTorchStateDict(model, replaced('extra.weight', t([1], [0])), names)).toThrow(
      /stateDict: expected only tensors of the mapped modules/,
    );
    loadTorchStateDict(model, replaced('extra.weight', t([1], [0])), names, { strict: false });
    const nan = t([1], [Number.NaN]);
    expect(() => loadTorchStateDict(model, replaced('fc.bias', nan), names)).toThrow(NonFiniteError);
    expect(() => loadTorchStateDict(model, replaced('fc.bias', { dtype: 'I64', shape: [1], data: new BigInt64Array(1) }), names)).toThrow(
      /stateDict\["fc\.bias"\]\.data: expected floating-point values/,
    );
    expect(() => loadTorchStateDict(model, replaced('lstm.weight_hr_l0', t([1, 2], [0, 0])), names)).toThrow(UnsupportedError);
    expect(() => loadTorchStateDict(model, null as never, names)).toThrow(/stateDict: expected a Map or object/);
    expect(model.getWeights()).toEqual(before);
    model.dispose();
  });
});
