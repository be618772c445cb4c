// Files from Python Keras through the tensorflowjs converter, which TF.js itself cannot load (reset-after GRUs,
// Keras 3's hard_sigmoid = relu6(x + 3) / 6, the Keras 3 config spelling). No Python runs here: each model.json
// is written by hand as Keras 3 / tf.keras 2 and the converter write it, and the rnn outputs are checked against
// the Keras equations evaluated in float64.
import { Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { type LayersModelJson, loadLayersModel } from './index.js';
import { backends, maxAbsDiff, randomData } from './tfjs.test-helpers.js';

const [B, T, F, H] = [2, 4, 3, 3];

type Fn = (v: number) => number;
const sigmoid: Fn = (v) => 1 / (1 + Math.exp(-v));
const hardSigmoid3: Fn = (v) => Math.min(1, Math.max(0, v / 6 + 0.5)); // Keras 3: relu6(x + 3) / 6
const hardSigmoid2: Fn = (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)); // Keras 2 / TF.js
const relu: Fn = (v) => Math.max(0, v);

/** x [I] · W [I, N] (+ b), row-major, in float64. */
function affine(x: ArrayLike<number>, W: ArrayLike<number>, N: number, b?: ArrayLike<number>, bOffset = 0): Float64Array {
  const out = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let s = b ? b[bOffset + n]! : 0;
    for (let i = 0; i < x.length; i++) s += x[i]! * W[i * N + n]!;
    out[n] = s;
  }
  return out;
}

/** Keras GRUCell (reset_after with a [2, 3H] bias, or reset-before with [3H]) over one sample; returns every h_t. */
function kerasGru(xs: Float64Array[], W: Float32Array, U: Float32Array, bias: Float32Array, resetAfter: boolean, rec: Fn): Float64Array[] {
  let h = new Float64Array(H);
  return xs.map((x) => {
    const mx = affine(x, W, 3 * H, bias, 0);
    const inner = resetAfter ? affine(h, U, 3 * H, bias, 3 * H) : affine(h, U, 3 * H);
    const next = new Float64Array(H);
    const r = Array.from({ length: H }, (_, j) => rec(mx[H + j]! + inner[H + j]!));
    const rh = h.map((v, j) => r[j]! * v);
    const innerN = resetAfter ? null : affine(rh, U, 3 * H);
    for (let j = 0; j < H; j++) {
      const z = rec(mx[j]! + inner[j]!);
      const hh = Math.tanh(mx[2 * H + j]! + (resetAfter ? r[j]! * inner[2 * H + j]! : innerN![2 * H + j]!));
      next[j] = z * h[j]! + (1 - z) * hh;
    }
    h = next;
    return h;
  });
}

/** Keras LSTMCell over one sample (in the given order of steps); returns every h_t. */
function kerasLstm(xs: Float64Array[], W: Float32Array, U: Float32Array, bias: Float32Array, act: Fn, rec: Fn): Float64Array[] {
  let h = new Float64Array(H);
  let c = new Float64Array(H);
  return xs.map((x) => {
    const a = affine(x, W, 4 * H, bias);
    const hu = affine(h, U, 4 * H);
    const nh = new Float64Array(H);
    const nc = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const g = (k: number) => a[k * H + j]! + hu[k * H + j]!;
      nc[j] = rec(g(1)) * c[j]! + rec(g(0)) * act(g(2));
      nh[j] = rec(g(3)) * act(nc[j]!);
    }
    h = nh;
    c = nc;
    return h;
  });
}

const steps = (x: Float32Array, b: number): Float64Array[] =>
  Array.from({ length: T }, (_, t) => Float64Array.from(x.subarray((b * T + t) * F, (b * T + t + 1) * F)));

/** The weights stored in a shard, and their manifest entries. */
function shard(entries: [string, number[], Float32Array][]): {
  specs: { name: string; shape: number[]; dtype: string }[];
  bytes: ArrayBuffer;
} {
  const all = new Float32Array(entries.reduce((n, [, , d]) => n + d.length, 0));
  let offset = 0;
  for (const [, , d] of entries) {
    all.set(d, offset);
    offset += d.length;
  }
  return { specs: entries.map(([name, shape]) => ({ name, shape, dtype: 'float32' })), bytes: all.buffer };
}

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const initializer = (class_name: string) => ({ module: 'keras.initializers', class_name, config: { seed: null }, registered_name: null });
const rnnConfig = (name: string, extra: Record<string, unknown>) => ({
  name,
  trainable: true,
  dtype: policy,
  return_sequences: false,
  return_state: false,
  go_backwards: false,
  stateful: false,
  unroll: false,
  zero_output_for_mask: false,
  units: H,
  activation: 'tanh',
  recurrent_activation: 'hard_sigmoid',
  use_bias: true,
  kernel_initializer: initializer('GlorotUniform'),
  recurrent_initializer: initializer('Orthogonal'),
  bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
  kernel_regularizer: null,
  recurrent_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  recurrent_constraint: null,
  bias_constraint: null,
  dropout: 0.0,
  recurrent_dropout: 0.0,
  seed: null,
  ...extra,
});
const layer = (class_name: string, config: Record<string, unknown>, build?: unknown[]) => ({
  module: 'keras.layers',
  class_name,
  config,
  registered_name: null,
  ...(build ? { build_config: { input_shape: build } } : {}),
});
const denseConfig = (name: string, units: number) => ({
  name,
  trainable: true,
  dtype: policy,
  units,
  activation: 'linear',
  use_bias: true,
  kernel_initializer: initializer('GlorotUniform'),
  bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
  kernel_regularizer: null,
  bias_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
});

/** A Keras 3 Sequential GRU(reset_after) -> Dense as the tensorflowjs converter writes it (model_config inside modelTopology). */
function gruModel(rng: Rng, o: { keras_version?: string; reset_after?: boolean; biasRows?: 1 | 2 }) {
  const rows = o.biasRows ?? 2;
  const w = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-0.9, 0.9));
  const W = w(F * 3 * H);
  const U = w(H * 3 * H);
  const bias = w(rows * 3 * H);
  const D = w(H * 2);
  const d = w(2);
  const gruExtra: Record<string, unknown> = { return_sequences: true };
  if (o.reset_after !== undefined) gruExtra.reset_after = o.reset_after;
  const { specs, bytes } = shard([
    ['gru/gru_cell/kernel', [F, 3 * H], W],
    ['gru/gru_cell/recurrent_kernel', [H, 3 * H], U],
    ['gru/gru_cell/bias', rows === 2 ? [2, 3 * H] : [3 * H], bias],
    ['dense/kernel', [H, 2], D],
    ['dense/bias', [2], d],
  ]);
  const modelTopology: Record<string, unknown> = {
    ...(o.keras_version ? { keras_version: o.keras_version } : {}),
    backend: 'tensorflow',
    model_config: {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        trainable: true,
        dtype: policy,
        layers: [
          layer('InputLayer', { batch_shape: [null, T, F], dtype: 'float32', sparse: false, name: 'input_layer' }),
          layer('GRU', rnnConfig('gru', gruExtra), [null, T, F]),
          layer('Dense', denseConfig('dense', 2), [null, T, H]),
        ],
        build_input_shape: [null, T, F],
      },
    },
    training_config: { loss: 'mse', optimizer_config: { class_name: 'Adam', config: {} } },
  };
  const modelJson: LayersModelJson = {
    format: 'layers-model',
    generatedBy: 'keras v3.6.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }],
  };
  return { modelJson, bytes, W, U, bias, D, d };
}

describe('Python Keras files', () => {
  it('GRU reset_after with a [2, 3H] bias and Keras 3 hard_sigmoid matches the Keras equations', () => {
    const rng = new Rng(31);
    const m = gruModel(rng, { keras_version: '3.6.0' });
    const x = randomData(rng, [B, T, F], -2, 2);
    const expected: number[] = [];
    for (let b = 0; b < B; b++)
      for (const h of kerasGru(steps(x, b), m.W, m.U, m.bias, true, hardSigmoid3)) expected.push(...affine(h, m.D, 2, m.d));
    for (const [dtype, make] of backends) {
      const { model, ignored } = loadLayersModel(make(), { modelJson: m.modelJson, weights: m.bytes });
      expect(ignored).toEqual(['training_config: not used (the loss and optimizer are load options)']);
      expect(model.layerConfigs()[0]).toMatchObject({ cell: { kind: 'gru', resetAfter: true, recurrentActivation: 'hardSigmoid6' } });
      const y = model.predict({ data: x, shape: [B, T, F] });
      expect(y.shape).toEqual([B, T, 2]);
      expect(maxAbsDiff(y.data, expected), dtype).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
      model.dispose();
    }
  });

  it('hard_sigmoid follows keras_version: 2.x is clip(0.2x + 0.5); without a version the kerasVersion option decides', () => {
    const rng = new Rng(32);
    const m = gruModel(rng, { keras_version: '2.15.0' });
    const x = randomData(rng, [B, T, F], -2, 2);
    const outputs = (rec: Fn) => {
      const out: number[] = [];
      for (let b = 0; b < B; b++) for (const h of kerasGru(steps(x, b), m.W, m.U, m.bias, true, rec)) out.push(...affine(h, m.D, 2, m.d));
      return out;
    };
    const backend = backends[0]![1];
    const keras2 = loadLayersModel(backend(), { modelJson: m.modelJson, weights: m.bytes }).model;
    expect(maxAbsDiff(keras2.predict({ data: x, shape: [B, T, F] }).data, outputs(hardSigmoid2))).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDiff(outputs(hardSigmoid2), outputs(hardSigmoid3))).toBeGreaterThan(1e-3); // the definitions differ here
    keras2.dispose();

    delete m.modelJson.modelTopology.keras_version;
    expect(() => loadLayersModel(backend(), { modelJson: m.modelJson, weights: m.bytes })).toThrow(
      /layer "gru" \(GRU\)\.recurrent_activation: expected a file whose keras_version or backend tells the hard_sigmoid definition \(or the kerasVersion load option\)/,
    );
    const keras3 = loadLayersModel(backend(), { modelJson: m.modelJson, weights: m.bytes }, { kerasVersion: 3 }).model;
    expect(maxAbsDiff(keras3.predict({ data: x, shape: [B, T, F] }).data, outputs(hardSigmoid3))).toBeLessThanOrEqual(1e-12);
    keras3.dispose();
  });

  it('a GRU config without reset_after is read from its bias shape', () => {
    for (const rows of [1, 2] as const) {
      const rng = new Rng(33 + rows);
      const m = gruModel(rng, { keras_version: '3.1.0', biasRows: rows });
      const x = randomData(rng, [B, T, F], -2, 2);
      const expected: number[] = [];
      for (let b = 0; b < B; b++)
        for (const h of kerasGru(steps(x, b), m.W, m.U, m.bias, rows === 2, hardSigmoid3)) expected.push(...affine(h, m.D, 2, m.d));
      const { model } = loadLayersModel(backends[0]![1](), { modelJson: m.modelJson, weights: m.bytes });
      expect(model.layerConfigs()[0]).toMatchObject({ cell: { resetAfter: rows === 2 } });
      expect(maxAbsDiff(model.predict({ data: x, shape: [B, T, F] }).data, expected)).toBeLessThanOrEqual(1e-12);
      model.dispose();
    }
  });

  it('a tf.keras 2 Functional model: Keras 2 inbound nodes, Bidirectional GRU (reset_after, hard_sigmoid) named by its cell', () => {
    const rng = new Rng(50);
    const w = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-0.9, 0.9));
    const [Wf, Uf, bf, Wb, Ub, bb, D, d] = [w(F * 3 * H), w(H * 3 * H), w(6 * H), w(F * 3 * H), w(H * 3 * H), w(6 * H), w(H * 2), w(2)];
    const { specs, bytes } = shard([
      ['bidirectional/forward_gru/gru_cell/kernel', [F, 3 * H], Wf],
      ['bidirectional/forward_gru/gru_cell/recurrent_kernel', [H, 3 * H], Uf],
      ['bidirectional/forward_gru/gru_cell/bias', [2, 3 * H], bf],
      ['bidirectional/backward_gru/gru_cell/kernel', [F, 3 * H], Wb],
      ['bidirectional/backward_gru/gru_cell/recurrent_kernel', [H, 3 * H], Ub],
      ['bidirectional/backward_gru/gru_cell/bias', [2, 3 * H], bb],
      ['dense/kernel', [H, 2], D],
      ['dense/bias', [2], d],
    ]);
    const gruConfig = { ...rnnConfig('gru', { time_major: false, implementation: 2, reset_after: true }), dtype: 'float32' };
    delete (gruConfig as Record<string, unknown>).zero_output_for_mask;
    delete (gruConfig as Record<string, unknown>).seed;
    const modelJson: LayersModelJson = {
      format: 'layers-model',
      generatedBy: 'keras v2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Functional',
          config: {
            name: 'model',
            trainable: true,
            layers: [
              {
                class_name: 'InputLayer',
                config: { batch_input_shape: [null, T, F], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' },
                name: 'input_1',
                inbound_nodes: [],
              },
              {
                class_name: 'Bidirectional',
                config: {
                  name: 'bidirectional',
                  trainable: true,
                  dtype: 'float32',
                  layer: { class_name: 'GRU', config: gruConfig },
                  merge_mode: 'sum',
                },
                name: 'bidirectional',
                inbound_nodes: [[['input_1', 0, 0, {}]]],
              },
              {
                class_name: 'Dense',
                config: { ...denseConfig('dense', 2), dtype: 'float32' },
                name: 'dense',
                inbound_nodes: [[['bidirectional', 0, 0, {}]]],
              },
            ],
            input_layers: [['input_1', 0, 0]],
            output_layers: [['dense', 0, 0]],
          },
        },
      },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }],
    };
    const x = randomData(rng, [B, T, F], -2, 2);
    const expected: number[] = [];
    for (let b = 0; b < B; b++) {
      const hf = kerasGru(steps(x, b), Wf, Uf, bf, true, hardSigmoid2)[T - 1]!;
      const hb = kerasGru(steps(x, b).reverse(), Wb, Ub, bb, true, hardSigmoid2)[T - 1]!;
      expected.push(
        ...affine(
          hf.map((v, j) => v + hb[j]!),
          D,
          2,
          d,
        ),
      );
    }
    for (const [dtype, make] of backends) {
      const { model, ignored } = loadLayersModel(make(), { modelJson, weights: bytes });
      expect(ignored).toEqual([]);
      expect(model.layerConfigs()[0]).toMatchObject({
        mergeMode: 'sum',
        forward: { cell: { resetAfter: true, recurrentActivation: 'hardSigmoid' } },
      });
      expect(maxAbsDiff(model.predict({ data: x, shape: [B, T, F] }).data, expected), dtype).toBeLessThanOrEqual(
        dtype === 'float64' ? 1e-12 : 1e-5,
      );
      model.dispose();
    }
  });

  it('a Functional model with Keras 3 inbound nodes and a Bidirectional with its own backward_layer', () => {
    const rng = new Rng(40);
    const w = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-0.9, 0.9));
    const [Wf, Uf, bf, Wb, Ub, bb, D, d] = [w(F * 4 * H), w(H * 4 * H), w(4 * H), w(F * 4 * H), w(H * 4 * H), w(4 * H), w(2 * H), w(1)];
    const { specs, bytes } = shard([
      ['bidirectional/forward_lstm/lstm_cell/kernel', [F, 4 * H], Wf],
      ['bidirectional/forward_lstm/lstm_cell/recurrent_kernel', [H, 4 * H], Uf],
      ['bidirectional/forward_lstm/lstm_cell/bias', [4 * H], bf],
      ['bidirectional/backward_lstm/lstm_cell/kernel', [F, 4 * H], Wb],
      ['bidirectional/backward_lstm/lstm_cell/recurrent_kernel', [H, 4 * H], Ub],
      ['bidirectional/backward_lstm/lstm_cell/bias', [4 * H], bb],
      ['dense/kernel', [2 * H, 1], D],
      ['dense/bias', [1], d],
    ]);
    const tensor = (name: string, shape: unknown[]) => ({
      class_name: '__keras_tensor__',
      config: { shape, dtype: 'float32', keras_history: [name, 0, 0] },
    });
    const modelJson: LayersModelJson = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'functional',
          trainable: true,
          layers: [
            {
              ...layer('InputLayer', { batch_shape: [null, T, F], dtype: 'float32', sparse: false, name: 'input_layer' }),
              name: 'input_layer',
              inbound_nodes: [],
            },
            {
              ...layer('Bidirectional', {
                name: 'bidirectional',
                trainable: true,
                dtype: policy,
                merge_mode: 'concat',
                layer: layer('LSTM', rnnConfig('forward_lstm', { recurrent_activation: 'sigmoid', unit_forget_bias: true })),
                backward_layer: layer(
                  'LSTM',
                  rnnConfig('backward_lstm', { recurrent_activation: 'sigmoid', activation: 'relu', go_backwards: true }),
                ),
              }),
              name: 'bidirectional',
              inbound_nodes: [{ args: [tensor('input_layer', [null, T, F])], kwargs: { training: false, mask: null } }],
            },
            {
              ...layer('Dense', denseConfig('dense', 1)),
              name: 'dense',
              inbound_nodes: [{ args: [tensor('bidirectional', [null, 2 * H])], kwargs: {} }],
            },
          ],
          input_layers: [['input_layer', 0, 0]],
          output_layers: ['dense', 0, 0],
        },
      },
      keras_version: '3.6.0',
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }],
    };
    (modelJson.modelTopology as Record<string, unknown>).keras_version = '3.6.0';
    const x = randomData(rng, [B, T, F], -2, 2);
    const expected: number[] = [];
    for (let b = 0; b < B; b++) {
      const hf = kerasLstm(steps(x, b), Wf, Uf, bf, Math.tanh, sigmoid)[T - 1]!;
      const hb = kerasLstm(steps(x, b).reverse(), Wb, Ub, bb, relu, sigmoid)[T - 1]!;
      expected.push(...affine([...hf, ...hb], D, 1, d));
    }
    for (const [dtype, make] of backends) {
      const { model } = loadLayersModel(make(), { modelJson, weights: bytes });
      expect(maxAbsDiff(model.predict({ data: x, shape: [B, T, F] }).data, expected), dtype).toBeLessThanOrEqual(
        dtype === 'float64' ? 1e-12 : 1e-5,
      );
      model.dispose();
    }
  });
});
