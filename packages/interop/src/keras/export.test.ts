// rnn -> TF.js: models built in rnn with seeded random weights, exported with toLayersModel, loaded by
// tf.loadLayersModel (from memory) and run on the same inputs: outputs agree within 1e-5. The Keras 3 target is
// read back by loadLayersModel; options rnn cannot express in the target are UnsupportedErrors.
import {
  type Backend,
  bidirectional,
  dense,
  dropout,
  embedding,
  gru,
  type LayerDef,
  lstm,
  type MergeMode,
  meanSquaredError,
  Rng,
  RnnError,
  recurrent,
  Sequential,
  sgd,
  simpleRnn,
  stackedRecurrent,
} from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { loadLayersModel, paddingLengths, type ToLayersModelOptions, toLayersModel } from './index.js';
import { backends, loadTfjs, maxAbsDiff, paddedTokens, predictTfjs, randomData, softmaxRows } from './tfjs.test-helpers.js';

const [B, T, F, H] = [3, 5, 4, 3];

/** An rnn model with every parameter drawn uniformly from ±0.8 (biases included). */
function build(backend: Backend, layers: LayerDef[], seed: number): Sequential {
  const model = new Sequential(backend, { layers, loss: meanSquaredError(), optimizer: sgd(), seed });
  const rng = new Rng(seed);
  model.setWeights(
    Object.fromEntries(model.params.map((p) => [p.name, Float64Array.from({ length: p.value.size }, () => rng.uniform(-0.8, 0.8))])),
  );
  return model;
}

interface Case {
  name: string;
  layers(): LayerDef[];
  tokens?: { vocab: number; lengths: number[] };
  /** [B, F] inputs instead of sequences. */
  flat?: boolean;
  options?: ToLayersModelOptions;
}

const cell = { inputSize: F, hiddenSize: H };
const cases: Case[] = [
  { name: 'simple RNN tanh', layers: () => [recurrent({ cell: simpleRnn(cell) })] },
  {
    name: 'simple RNN relu, sequences, dense on 3-D',
    layers: () => [
      recurrent({ cell: simpleRnn({ ...cell, activation: 'relu' }), returnSequences: true }),
      dense({ inputSize: H, outputSize: 2 }),
    ],
  },
  { name: 'LSTM', layers: () => [recurrent({ cell: lstm(cell) }), dense({ inputSize: H, outputSize: 2, activation: 'tanh' })] },
  {
    name: 'LSTM hardSigmoid gates, sequences',
    layers: () => [recurrent({ cell: lstm({ ...cell, recurrentActivation: 'hardSigmoid' }), returnSequences: true })],
  },
  { name: 'GRU reset-before', layers: () => [recurrent({ cell: gru({ ...cell, resetAfter: false }) })] },
  {
    name: 'GRU reset-before hardSigmoid, sequences, dense',
    layers: () => [
      recurrent({ cell: gru({ ...cell, resetAfter: false, recurrentActivation: 'hardSigmoid' }), returnSequences: true }),
      dense({ inputSize: H, outputSize: 2, activation: 'sigmoid' }),
    ],
  },
  ...(['concat', 'sum', 'mul', 'average'] as MergeMode[]).map((mergeMode) => ({
    name: `bidirectional LSTM, merge ${mergeMode}, sequences`,
    layers: () => [bidirectional({ cell: lstm(cell), mergeMode, returnSequences: true })],
  })),
  {
    name: 'bidirectional GRU reset-before, last output, dense',
    layers: () => [bidirectional({ cell: gru({ ...cell, resetAfter: false }) }), dense({ inputSize: 2 * H, outputSize: 2 })],
  },
  {
    name: 'embedding paddingIndex 0 (mask_zero) -> GRU -> dense, end-padded batch with lengths',
    layers: () => [
      embedding({ vocabSize: 7, embeddingSize: F, paddingIndex: 0 }),
      recurrent({ cell: gru({ ...cell, resetAfter: false }) }),
      dense({ inputSize: H, outputSize: 2 }),
    ],
    tokens: { vocab: 7, lengths: [5, 2, 3] },
  },
  {
    name: 'embedding -> LSTM',
    layers: () => [embedding({ vocabSize: 7, embeddingSize: F }), recurrent({ cell: lstm(cell) })],
    tokens: { vocab: 7, lengths: [T, T, T] },
  },
  {
    name: 'stacked 2-layer LSTM with dropout between, dense',
    layers: () => [
      ...stackedRecurrent({ cell: (inputSize) => lstm({ inputSize, hiddenSize: H }), inputSize: F, numLayers: 2, dropoutBetween: 0.2 }),
      dense({ inputSize: H, outputSize: 1 }),
    ],
  },
  { name: 'reversed LSTM (go_backwards), last output', layers: () => [recurrent({ cell: lstm(cell), reverse: true })] },
  {
    name: 'dense on a sequence, then simple RNN',
    layers: () => [
      dense({ inputSize: F, outputSize: 3 }),
      dropout({ rate: 0.5 }),
      recurrent({ cell: simpleRnn({ inputSize: 3, hiddenSize: H }) }),
    ],
  },
  {
    name: 'dense only, [batch, features]',
    layers: () => [dense({ inputSize: F, outputSize: 3, activation: 'relu' }), dense({ inputSize: 3, outputSize: 2 })],
    flat: true,
  },
  {
    name: 'softmax option on a classifier trained on logits',
    layers: () => [recurrent({ cell: lstm(cell) }), dense({ inputSize: H, outputSize: 4 })],
    options: { softmax: true },
  },
  { name: 'small shards (a tensor spans several files)', layers: () => [recurrent({ cell: lstm(cell) })], options: { shardSizeBytes: 40 } },
];

describe('toLayersModel: rnn models give the same outputs in TF.js', () => {
  cases.forEach((c, k) => {
    it(c.name, async () => {
      for (const [dtype, make] of backends) {
        const model = build(make(), c.layers(), 200 + k);
        const rng = new Rng(300 + k);
        const shape = c.tokens ? [B, T] : c.flat ? [B, F] : [B, T, F];
        const x = c.tokens ? paddedTokens(rng, c.tokens.lengths, T, c.tokens.vocab) : randomData(rng, shape);
        const lengths = c.tokens?.lengths.some((L) => L < T) ? paddingLengths({ data: x, shape }, { kind: 'maskZero' }) : undefined;
        const ours = model.predict({ data: x, shape }, { lengths });
        const artifacts = toLayersModel(model, c.options);
        const tfModel = await loadTfjs(artifacts);
        const theirs = predictTfjs(tfModel, x, shape);
        const actual = c.options?.softmax ? softmaxRows(ours.data, ours.shape[ours.shape.length - 1]!) : ours.data;
        expect(maxAbsDiff(actual, theirs), dtype).toBeLessThanOrEqual(1e-5);
        expect(maxAbsDiff(theirs, new Float32Array(theirs.length))).toBeGreaterThan(0.05);
        if (c.options?.shardSizeBytes) {
          expect(artifacts.weightData.length).toBeGreaterThan(3);
          // Our loader takes the shards one per path as well (bit-exact on float32; float64 weights were rounded).
          const again = loadLayersModel(make(), { modelJson: artifacts.modelJson, weights: artifacts.weightData }).model;
          const back = again.predict({ data: x, shape }).data;
          if (dtype === 'float32') expect(back).toEqual(ours.data);
          else expect(maxAbsDiff(back, ours.data)).toBeLessThanOrEqual(1e-6);
          again.dispose();
        }
        tfModel.dispose();
        model.dispose();
      }
    });
  });
});

describe('toLayersModel: targets and what they cannot express', () => {
  const backend = () => backends[1]![1]();
  const expectUnsupported = (layers: LayerDef[], options: ToLayersModelOptions, message: RegExp) => {
    const model = build(backend(), layers, 1);
    let error: unknown;
    try {
      toLayersModel(model, options);
    } catch (e) {
      error = e;
    }
    expect(RnnError.isInstance(error) && error.code).toBe('UNSUPPORTED');
    expect((error as Error).message).toMatch(message);
    model.dispose();
  };

  it('rejects what TF.js cannot load', () => {
    expectUnsupported(
      [recurrent({ cell: gru(cell) })],
      {},
      /model\.layers\[0\]\.cell\.resetAfter: expected false for a TF\.js target .*target "keras3"\), received true/,
    );
    expectUnsupported(
      [recurrent({ cell: lstm({ ...cell, recurrentActivation: 'hardSigmoid6' }) })],
      {},
      /model\.layers\[0\]\.cell\.recurrentActivation: expected "hardSigmoid" for a TF\.js target/,
    );
    expectUnsupported(
      [bidirectional({ cell: lstm(cell), backwardCell: lstm({ ...cell, activation: 'relu' }) })],
      {},
      /model\.layers\[0\]\.backward\.cell: expected the forward cell's config/,
    );
  });

  it('rejects what Keras cannot express in either target', () => {
    for (const target of ['tfjs', 'keras3'] as const) {
      expectUnsupported(
        [recurrent({ cell: lstm(cell), reverse: true, returnSequences: true })],
        { target },
        /model\.layers\[0\]\.reverse: expected false when returnSequences/,
      );
      expectUnsupported([recurrent({ cell: lstm(cell), stateful: true })], { target }, /model\.layers\[0\]\.stateful: expected false/);
      expectUnsupported(
        [bidirectional({ cell: lstm(cell), mergeMode: 'none' })],
        { target },
        /model\.layers\[0\]\.mergeMode: expected "concat", "sum", "mul" or "average"/,
      );
    }
    expectUnsupported(
      [recurrent({ cell: lstm({ ...cell, recurrentActivation: 'hardSigmoid' }) })],
      { target: 'keras3' },
      /expected "hardSigmoid6" for a Keras 3 target/,
    );
    const custom: LayerDef = {
      build: (b, r, n) => ({
        ...dense({ inputSize: F, outputSize: 2 }).build(b, r, n),
        kind: 'scaler',
        toConfig: () => ({ kind: 'scaler' }),
      }),
    };
    expectUnsupported(
      [custom],
      {},
      /model\.layers\[0\]\.kind: expected "recurrent", "bidirectional", "dense", "embedding" or "dropout", received "scaler"/,
    );
    const model = build(backend(), [recurrent({ cell: lstm(cell) })], 1);
    expect(() => toLayersModel(model, { softmax: true })).toThrow(
      /options\.softmax: expected a model whose last layer is a dense layer without activation, received "recurrent"/,
    );
    expect(() => toLayersModel(model, { target: 'onnx' as never })).toThrow(
      /options\.target: expected "tfjs" or "keras3", received "onnx"/,
    );
    expect(() => toLayersModel(model, { shardSizeBytes: 0 })).toThrow(/options\.shardSizeBytes: expected a positive integer, received 0/);
    model.dispose();
  });

  it('keras3 target: GRU reset-after, hardSigmoid6 and a different backward cell round-trip exactly', () => {
    const make = () => [
      bidirectional({
        cell: gru({ ...cell, recurrentActivation: 'hardSigmoid6' }),
        backwardCell: gru({ ...cell, activation: 'relu' }),
        returnSequences: true,
        mergeMode: 'average',
      }),
      recurrent({ cell: lstm({ inputSize: H, hiddenSize: 2, recurrentActivation: 'hardSigmoid6' }) }),
      dense({ inputSize: 2, outputSize: 2 }),
    ];
    const model = build(backend(), make(), 5);
    const { modelJson, weightData } = toLayersModel(model, { target: 'keras3' });
    const topology = modelJson.modelTopology as {
      keras_version: string;
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    expect(topology.keras_version).toBe('3.0.0');
    expect(topology.config.layers[0]).toEqual({
      class_name: 'InputLayer',
      config: { name: 'input_layer', batch_shape: [null, null, F], dtype: 'float32', sparse: false },
    });
    const bidi = topology.config.layers[1]!.config as {
      layer: { config: Record<string, unknown> };
      backward_layer: { config: Record<string, unknown> };
    };
    expect(bidi.layer.config).toMatchObject({
      name: 'forward_gru_0',
      reset_after: true,
      recurrent_activation: 'hard_sigmoid',
      go_backwards: false,
    });
    expect(bidi.backward_layer.config).toMatchObject({ name: 'backward_gru_0', activation: 'relu', go_backwards: true });
    expect(modelJson.weightsManifest[0]!.weights.slice(0, 3).map((w) => [w.name, w.shape])).toEqual([
      ['bidirectional_0/forward_gru_0/gru_cell/kernel', [F, 3 * H]],
      ['bidirectional_0/forward_gru_0/gru_cell/recurrent_kernel', [H, 3 * H]],
      ['bidirectional_0/forward_gru_0/gru_cell/bias', [2, 3 * H]],
    ]);
    const x = { data: randomData(new Rng(6), [B, T, F]), shape: [B, T, F] };
    const again = loadLayersModel(backend(), { modelJson: JSON.stringify(modelJson), weights: weightData }).model;
    expect(again.getWeights()).toEqual(model.getWeights());
    expect(again.predict(x).data).toEqual(model.predict(x).data);
    again.dispose();
    model.dispose();
  });

  it('an embedding with another padding index, or maskZero: false, exports without mask_zero', () => {
    for (const [layers, options] of [
      [[embedding({ vocabSize: 5, embeddingSize: 2, paddingIndex: 3 })], {}],
      [[embedding({ vocabSize: 5, embeddingSize: 2, paddingIndex: 0 })], { maskZero: false }],
    ] as const) {
      const model = build(backend(), [...layers], 1);
      const topology = toLayersModel(model, options).modelJson.modelTopology as {
        config: { layers: { config: { mask_zero: boolean } }[] };
      };
      expect(topology.config.layers[0]!.config.mask_zero).toBe(false);
      model.dispose();
    }
  });
});
