// TF.js -> rnn: every supported layer and configuration is built in tfjs-layers with seeded random weights,
// saved in memory (what model.save() writes), loaded into rnn on float64 and float32 backends, and run on the
// same inputs: outputs agree within 1e-5.
import { Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { type LoadLayersModelOptions, loadLayersModel, paddingLengths } from './index.js';
import {
  backends,
  maxAbsDiff,
  paddedTokens,
  predictTfjs,
  randomData,
  randomizeTfjs,
  saveTfjs,
  softmaxRows,
  tf,
} from './tfjs.test-helpers.js';

const [B, T, F, H] = [3, 5, 4, 3];
const seq = [null, F] as [null, number];

interface Case {
  name: string;
  build(): tf.LayersModel;
  /** Token ids (end-padded to these lengths) instead of features. */
  tokens?: { vocab: number; lengths: number[] };
  /** Features zeroed after these lengths (Masking). */
  padded?: number[];
  options?: LoadLayersModelOptions;
  /** The TF.js model ends in softmax and rnn returns logits. */
  softmax?: boolean;
  /** Compare [B, T, O] outputs only at valid steps (TF.js carries the last output over padded steps; rnn writes zeros). */
  validStepsOnly?: boolean;
  /** The notes expected in `ignored` (TF.js files otherwise produce none). */
  notes?: RegExp[];
}

const sequential = (...layers: tf.layers.Layer[]) => tf.sequential({ layers });
const lstm = (o: Record<string, unknown> = {}) => tf.layers.lstm({ units: H, recurrentActivation: 'sigmoid', ...o });
const gru = (o: Record<string, unknown> = {}) => tf.layers.gru({ units: H, recurrentActivation: 'sigmoid', ...o });

const cases: Case[] = [
  { name: 'SimpleRNN tanh', build: () => sequential(tf.layers.simpleRNN({ units: H, inputShape: seq })) },
  {
    name: 'SimpleRNN relu, return_sequences, Dense on 3-D',
    build: () =>
      sequential(
        tf.layers.simpleRNN({ units: H, activation: 'relu', returnSequences: true, inputShape: seq }),
        tf.layers.dense({ units: 2 }),
      ),
  },
  { name: 'LSTM sigmoid gates', build: () => sequential(lstm({ inputShape: seq }), tf.layers.dense({ units: 2, activation: 'tanh' })) },
  {
    name: 'LSTM hard_sigmoid gates (TF.js default), return_sequences',
    build: () => sequential(tf.layers.lstm({ units: H, returnSequences: true, inputShape: seq })),
  },
  {
    name: 'GRU reset-before, sigmoid',
    build: () => sequential(gru({ inputShape: seq }), tf.layers.dense({ units: 2, activation: 'relu' })),
  },
  {
    name: 'GRU hard_sigmoid, return_sequences',
    build: () => sequential(tf.layers.gru({ units: H, returnSequences: true, inputShape: seq })),
  },
  ...(['concat', 'sum', 'mul', 'ave'] as const).map((mergeMode) => ({
    name: `Bidirectional LSTM, merge ${mergeMode}, return_sequences`,
    build: () => sequential(tf.layers.bidirectional({ layer: lstm({ returnSequences: true }) as tf.RNN, mergeMode, inputShape: seq })),
  })),
  {
    name: 'Bidirectional GRU, merge concat, last output, Dense',
    build: () =>
      sequential(
        tf.layers.bidirectional({ layer: gru() as tf.RNN, inputShape: seq }),
        tf.layers.dense({ units: 2, activation: 'sigmoid' }),
      ),
  },
  {
    name: 'Embedding -> LSTM -> Dense',
    build: () => sequential(tf.layers.embedding({ inputDim: 7, outputDim: F, inputShape: [null] }), lstm(), tf.layers.dense({ units: 2 })),
    tokens: { vocab: 7, lengths: [T, T, T] },
  },
  {
    name: 'Embedding mask_zero -> GRU -> Dense, end-padded batch',
    build: () =>
      sequential(
        tf.layers.embedding({ inputDim: 7, outputDim: F, maskZero: true, inputShape: [null] }),
        gru(),
        tf.layers.dense({ units: 2 }),
      ),
    tokens: { vocab: 7, lengths: [5, 3, 1] },
  },
  {
    name: 'Embedding mask_zero -> Bidirectional GRU (sequences) -> Dense, end-padded batch',
    build: () =>
      sequential(
        tf.layers.embedding({ inputDim: 7, outputDim: F, maskZero: true, inputShape: [null] }),
        tf.layers.bidirectional({ layer: gru({ returnSequences: true }) as tf.RNN, mergeMode: 'sum' }),
        tf.layers.dense({ units: 2 }),
      ),
    tokens: { vocab: 7, lengths: [5, 2, 4] },
    validStepsOnly: true,
    notes: [/\(GRU\): at padded steps Keras repeats the last valid output/, /\(GRU\): at padded steps Keras repeats the last valid output/],
  },
  {
    name: 'Masking -> LSTM, end-padded batch',
    build: () => sequential(tf.layers.masking({ maskValue: 0, inputShape: seq }), lstm()),
    padded: [5, 4, 2],
  },
  {
    name: 'Dense on a sequence, then SimpleRNN',
    build: () => sequential(tf.layers.dense({ units: 3, inputShape: seq }), tf.layers.simpleRNN({ units: H })),
  },
  {
    name: 'TimeDistributed(Dense)',
    build: () =>
      sequential(lstm({ returnSequences: true, inputShape: seq }), tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) })),
  },
  {
    name: 'stacked 2-layer LSTM with Dropout between',
    build: () =>
      sequential(lstm({ returnSequences: true, inputShape: seq }), tf.layers.dropout({ rate: 0.3 }), lstm(), tf.layers.dense({ units: 1 })),
  },
  { name: 'LSTM go_backwards', build: () => sequential(lstm({ goBackwards: true, inputShape: seq })) },
  { name: 'GRU go_backwards', build: () => sequential(gru({ goBackwards: true, inputShape: seq })) },
  {
    name: 'LSTM use_bias false',
    build: () => sequential(lstm({ useBias: false, inputShape: seq }), tf.layers.dense({ units: 2, useBias: false })),
    notes: [/\(LSTM\)\.use_bias: false \(loaded as a zero bias/],
  },
  {
    name: 'Dense softmax read as logits',
    build: () => sequential(gru({ inputShape: seq }), tf.layers.dense({ units: 4, activation: 'softmax' })),
    options: { softmax: 'logits' },
    softmax: true,
    notes: [/activation: softmax dropped, predict returns logits/],
  },
  {
    name: 'Activation(softmax) after Dense read as logits, Activation(tanh) folded',
    build: () =>
      sequential(
        lstm({ inputShape: seq }),
        tf.layers.dense({ units: 3 }),
        tf.layers.activation({ activation: 'tanh' }),
        tf.layers.dense({ units: 4 }),
        tf.layers.activation({ activation: 'softmax' }),
      ),
    options: { softmax: 'logits' },
    softmax: true,
    notes: [/activation: softmax dropped, predict returns logits/],
  },
  {
    name: 'Functional model (a linear chain)',
    build: () => {
      const input = tf.input({ shape: seq });
      const h = lstm({ returnSequences: true }).apply(input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor });
    },
  },
];

describe('loadLayersModel: TF.js models give the same outputs in rnn', () => {
  cases.forEach((c, k) => {
    it(c.name, async () => {
      const rng = new Rng(100 + k);
      const tfModel = c.build();
      randomizeTfjs(tfModel, rng);
      const shape = c.tokens ? [B, T] : [B, T, F];
      const x = c.tokens ? paddedTokens(rng, c.tokens.lengths, T, c.tokens.vocab) : randomData(rng, shape);
      if (c.padded) c.padded.forEach((L, b) => x.fill(0, (b * T + L) * F, (b + 1) * T * F));
      const expected = predictTfjs(tfModel, x, shape);
      expect(maxAbsDiff(expected, new Float32Array(expected.length))).toBeGreaterThan(0.05); // not a trivial output
      const saved = await saveTfjs(tfModel);
      for (const [dtype, make] of backends) {
        const { model, padding, ignored } = loadLayersModel(make(), saved, c.options);
        expect(ignored).toHaveLength(c.notes?.length ?? 0);
        c.notes?.forEach((n, i) => expect(ignored[i]).toMatch(n));
        const lengths = padding ? paddingLengths({ data: x, shape }, padding) : undefined;
        if (c.tokens?.lengths.some((L) => L < T)) expect(padding).toEqual({ kind: 'maskZero' });
        const got = model.predict({ data: x, shape }, { lengths });
        expect(got.shape).toEqual(tfModel.outputs[0]!.shape.map((d, i) => d ?? shape[i]));
        let actual: ArrayLike<number> = got.data;
        let want: ArrayLike<number> = expected;
        if (c.softmax) actual = softmaxRows(got.data, got.shape[got.shape.length - 1]!);
        if (c.validStepsOnly) {
          const O = got.shape[2]!;
          const keep = (_: number, i: number) => Math.floor(i / O) % T < c.tokens!.lengths[Math.floor(i / (O * T))]!;
          actual = Array.from(actual).filter(keep);
          want = Array.from(want).filter(keep);
        }
        expect(maxAbsDiff(actual, want), dtype).toBeLessThanOrEqual(1e-5);
        model.dispose();
      }
      tfModel.dispose();
    });
  });

  it('reads files whose weight names start with the model name (TF 2.16+ / Keras 3 converters), which tfjs-layers refuses', async () => {
    const rng = new Rng(11);
    const tfModel = tf.sequential({
      name: 'sequential',
      layers: [
        lstm({ inputShape: seq, returnSequences: true }),
        tf.layers.bidirectional({ layer: gru() as never }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    randomizeTfjs(tfModel, rng);
    const x = randomData(rng, [B, T, F]);
    const expected = predictTfjs(tfModel, x, [B, T, F]);
    const saved = await saveTfjs(tfModel);
    const manifest = saved.modelJson.weightsManifest!;
    const prefixed = {
      ...saved,
      modelJson: {
        ...saved.modelJson,
        weightsManifest: manifest.map((g) => ({ ...g, weights: g.weights.map((w) => ({ ...w, name: `sequential/${w.name}` })) })),
      },
    };
    expect(prefixed.modelJson.weightsManifest[0]!.weights[0]!.name).toMatch(/^sequential\/lstm/);
    await expect(
      tf.loadLayersModel(
        tf.io.fromMemory(
          prefixed.modelJson.modelTopology,
          prefixed.modelJson.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[],
          prefixed.weights,
        ),
      ),
    ).rejects.toThrow(/Provided weight data has no target variable/);
    const { model } = loadLayersModel(backends[0]![1](), prefixed);
    expect(maxAbsDiff(model.predict({ data: x, shape: [B, T, F] }).data, expected)).toBeLessThanOrEqual(1e-5);
    model.dispose();
    tfModel.dispose();
  });

  it('stateful LSTM carries its state between predict calls, as in TF.js', async () => {
    const rng = new Rng(7);
    const tfModel = sequential(lstm({ stateful: true, batchInputShape: [B, T, F] }));
    randomizeTfjs(tfModel, rng);
    const x1 = randomData(rng, [B, T, F]);
    const x2 = randomData(rng, [B, T, F]);
    const e1 = predictTfjs(tfModel, x1, [B, T, F]);
    const e2 = predictTfjs(tfModel, x2, [B, T, F]);
    const { model } = loadLayersModel(backends[0]![1](), await saveTfjs(tfModel));
    expect(maxAbsDiff(model.predict({ data: x1, shape: [B, T, F] }).data, e1)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(model.predict({ data: x2, shape: [B, T, F] }).data, e2)).toBeLessThanOrEqual(1e-5);
    model.dispose();
    tfModel.dispose();
  });
});
