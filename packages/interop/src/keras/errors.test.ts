// Malformed and unsupported files: every failure is a typed error (CorruptModelError, UnsupportedError,
// ShapeError, NonFiniteError, InvalidArgumentError) whose message names the field, layer or weight at fault.
import { Rng, RnnError } from '@rnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LayersModelJson, type LoadLayersModelOptions, loadLayersModel, paddingLengths } from './index.js';
import { backends, randomizeTfjs, saveTfjs, tf } from './tfjs.test-helpers.js';

const backend = backends[1]![1];
const [T, F, H] = [5, 4, 3];

let base: { modelJson: LayersModelJson; weights: ArrayBuffer };

beforeAll(async () => {
  const m = tf.sequential({
    layers: [
      tf.layers.lstm({ units: H, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [null, F] }),
      tf.layers.dense({ units: 2 }),
    ],
  });
  randomizeTfjs(m, new Rng(1));
  base = await saveTfjs(m);
  m.dispose();
});

/** A deep copy of the good file to break; layer configs at topology().config.layers. */
/** A layer of the topology, loosely typed so tests can break it anywhere. */
interface LayerJson {
  class_name: string;
  config: { [option: string]: unknown; layer?: LayerJson };
}

function copy(): { modelJson: LayersModelJson; weights: ArrayBuffer; layers: LayerJson[] } {
  const modelJson = structuredClone(base.modelJson);
  const layers = (modelJson.modelTopology as { config: { layers: LayerJson[] } }).config.layers;
  return { modelJson, weights: base.weights.slice(0), layers };
}

function expectError(code: string, message: RegExp, source: { modelJson: unknown; weights: unknown }, options?: LoadLayersModelOptions) {
  let error: unknown;
  try {
    loadLayersModel(backend(), source as never, options).model.dispose();
  } catch (e) {
    error = e;
  }
  expect(RnnError.isInstance(error), String(error)).toBe(true);
  expect((error as RnnError).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

/** Manifest entries and weight bytes after removing or appending entries. */
function weightsWithout(name: string): { specs: LayersModelJson['weightsManifest'][0]['weights']; bytes: ArrayBuffer } {
  const specs = base.modelJson.weightsManifest[0]!.weights;
  const all = new Float32Array(base.weights);
  const kept: number[] = [];
  let offset = 0;
  const out = specs.filter((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.name !== name) kept.push(...all.subarray(offset, offset + n));
    offset += n;
    return s.name !== name;
  });
  return { specs: out, bytes: Float32Array.from(kept).buffer };
}

describe('malformed model.json', () => {
  it('bad JSON, wrong document, missing fields', () => {
    expectError('CORRUPT_MODEL', /^modelJson: expected valid JSON, received .*JSON/, {
      modelJson: '{"modelTopology": ',
      weights: base.weights,
    });
    expectError('CORRUPT_MODEL', /^modelJson: expected a model\.json object, received 42$/, { modelJson: 42, weights: base.weights });
    expectError('INVALID_ARGUMENT', /^source: expected a \{ modelJson, weights \} object, received null$/, null as never);
    const { modelJson, weights } = copy();
    expectError('CORRUPT_MODEL', /^modelJson\.modelTopology: expected the Keras topology, received undefined$/, {
      modelJson: { ...modelJson, modelTopology: undefined },
      weights,
    });
    expectError('CORRUPT_MODEL', /^weightsManifest: expected an array, received undefined$/, {
      modelJson: { ...modelJson, weightsManifest: undefined },
      weights,
    });
    expectError('UNSUPPORTED', /^modelJson\.format: expected "layers-model" .*, received "graph-model"$/, {
      modelJson: { ...modelJson, format: 'graph-model' },
      weights,
    });
    expectError('UNSUPPORTED', /^modelTopology\.class_name: expected "Sequential", or "Model" \/ "Functional" .*, received "Subclassed"$/, {
      modelJson: { ...modelJson, modelTopology: { ...modelJson.modelTopology, class_name: 'Subclassed' } },
      weights,
    });
    const noShape = copy();
    delete noShape.layers[0]!.config.batch_input_shape;
    expectError(
      'CORRUPT_MODEL',
      /^modelTopology: expected an input shape \(an InputLayer, batch_input_shape or build_input_shape\), received none$/,
      noShape,
    );
    const badShape = copy();
    badShape.layers[0]!.config.batch_input_shape = [null, null, -4];
    expectError('CORRUPT_MODEL', /batch_input_shape\[2\]: expected a positive integer, received -4$/, badShape);
    const badUnits = copy();
    badUnits.layers[0]!.config.units = '3';
    expectError('CORRUPT_MODEL', /^layer "lstm_LSTM\d+" \(LSTM\)\.units: expected a positive integer, received "3"$/, badUnits);
  });

  it('unknown layer classes and unsupported options name the layer and the option', () => {
    const unknown = copy();
    unknown.layers[1]!.class_name = 'Conv1D';
    expectError(
      'UNSUPPORTED',
      /^modelTopology\.config\.layers\[1\]\.class_name: expected one of InputLayer, SimpleRNN, .*, received "Conv1D"$/,
      unknown,
    );
    const U = 'UNSUPPORTED';
    const cases: [string, (l: LayerJson[]) => void, RegExp][] = [
      [
        U,
        (l) => (l[0]!.config.return_state = true),
        /\(LSTM\)\.return_state: expected false \(an rnn Sequential layer has one output\), received true/,
      ],
      [U, (l) => (l[0]!.config.time_major = true), /\(LSTM\)\.time_major: expected false/],
      [
        U,
        (l) => (l[0]!.config.go_backwards = true),
        /\(LSTM\)\.go_backwards: expected false when return_sequences is true .*, received true/,
      ],
      [
        U,
        (l) => (l[0]!.config.recurrent_activation = 'softsign'),
        /\(LSTM\)\.recurrent_activation: expected one of "linear", "tanh", "sigmoid", "relu", "hard_sigmoid".*, received "softsign"/,
      ],
      ['CORRUPT_MODEL', (l) => delete l[0]!.config.recurrent_activation, /\(LSTM\)\.recurrent_activation: expected the gate activation/],
      ['CORRUPT_MODEL', (l) => (l[0]!.config.dropout = '0.1'), /\(LSTM\)\.dropout: expected a finite number, received "0\.1"$/],
      [U, (l) => (l[0]!.config.dropout = 1), /\(LSTM\)\.dropout: expected a rate in \[0, 1\), received 1$/],
      [U, (l) => (l[0]!.config.activation = 'softmax'), /\(LSTM\)\.activation: expected softmax only on the last layer/],
      [
        U,
        (l) => (l[1]!.config.activation = 'softmax'),
        /\(Dense\)\.activation: expected an rnn activation; for a final softmax load with \{ softmax: "logits" \}, received "softmax"/,
      ],
      [U, (l) => (l[1]!.config.activation = 'elu'), /\(Dense\)\.activation: expected one of .*, received "elu"/],
      [U, (l) => (l[1]!.config.lora_rank = 4), /\(Dense\)\.lora_rank: expected null \(no LoRA weights\), received 4$/],
      [
        U,
        (l) => l.splice(1, 0, { class_name: 'Dropout', config: { name: 'd', rate: 0.5, noise_shape: [null, 1, 3] } }),
        /^layer "d" \(Dropout\)\.noise_shape: expected null/,
      ],
      [
        U,
        (l) => l.splice(1, 0, { class_name: 'Masking', config: { name: 'm', mask_value: 0 } }),
        /^layer "m" \(Masking\): expected the first layer, .*, received a Masking layer at position 1$/,
      ],
      [
        U,
        (l) => l.splice(1, 0, { class_name: 'InputLayer', config: { name: 'i' } }),
        /^layer "i" \(InputLayer\): expected an InputLayer only as the first layer/,
      ],
      [
        U,
        (l) =>
          l.push(
            { class_name: 'Activation', config: { name: 'a', activation: 'relu' } },
            { class_name: 'Activation', config: { name: 'b', activation: 'tanh' } },
          ),
        /^layer "b" \(Activation\): expected to follow a Dense layer without activation/,
      ],
      [
        U,
        (l) => (l[1] = { class_name: 'TimeDistributed', config: { name: 'td', layer: { class_name: 'LSTM', config: {} } } }),
        /^layer "td" \(TimeDistributed\)\.layer: expected a Dense layer, received "LSTM"$/,
      ],
      [
        U,
        (l) => (l[0] = { class_name: 'Embedding', config: { name: 'e', input_dim: 4, output_dim: 2, batch_input_shape: [null, 5, 4] } }),
        /^layer "e" \(Embedding\) input: expected token ids \[batch, time\], received rank 3$/,
      ],
      [
        U,
        (l) =>
          l.unshift(
            { class_name: 'Masking', config: { name: 'm', batch_input_shape: [null, null, F] } },
            { class_name: 'Masking', config: { name: 'm2' } },
          ),
        /^layer "m2" \(Masking\): expected one source of masks \(an Embedding with mask_zero or a Masking layer\), received two$/,
      ],
    ];
    for (const [code, edit, message] of cases) {
      const c = copy();
      edit(c.layers);
      expectError(code, message, c);
    }
  });

  it('Bidirectional: merge_mode null and stateful layers are rejected', () => {
    const bidi = (config: Record<string, unknown>, merge: unknown) => {
      const c = copy();
      c.layers[0] = {
        class_name: 'Bidirectional',
        config: {
          name: 'bi',
          merge_mode: merge,
          batch_input_shape: [null, null, F],
          layer: { class_name: 'LSTM', config: { name: 'l', units: H, recurrent_activation: 'sigmoid', ...config } },
        },
      };
      return c;
    };
    expectError(
      'UNSUPPORTED',
      /^layer "bi" \(Bidirectional\)\.merge_mode: expected "concat", "sum", "mul" or "ave" \(one merged output\), received null$/,
      bidi({}, null),
    );
    expectError('UNSUPPORTED', /^layer "bi" \(Bidirectional\)\.layer\.stateful: expected false/, bidi({ stateful: true }, 'concat'));
    const dense = bidi({}, 'concat');
    dense.layers[0]!.config.layer!.class_name = 'Dense';
    expectError('UNSUPPORTED', /^layer "bi" \(Bidirectional\)\.layer: expected a SimpleRNN, LSTM or GRU layer, received "Dense"$/, dense);
  });

  it('a Functional model that is not a chain', () => {
    const node = (name: string) => [[[name, 0, 0, {}]]];
    const modelJson = {
      modelTopology: {
        class_name: 'Model',
        keras_version: '2.15.0',
        config: {
          layers: [
            { name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, null, F] }, inbound_nodes: [] },
            { name: 'a', class_name: 'Dense', config: { name: 'a', units: 2 }, inbound_nodes: node('in') },
            { name: 'b', class_name: 'Dense', config: { name: 'b', units: 2 }, inbound_nodes: node('in') },
          ],
          input_layers: [['in', 0, 0]],
          output_layers: [['b', 0, 0]],
        },
      },
      weightsManifest: [],
    };
    expectError(
      'UNSUPPORTED',
      /^modelTopology\.config: expected a linear chain of layers \(one input, one output, no branches\), received layer "in" read by "a" and "b"$/,
      {
        modelJson,
        weights: new ArrayBuffer(0),
      },
    );
  });
});

describe('malformed weights', () => {
  it('shard byte length, shard count, shapes, dtypes and sizes', () => {
    const c = copy();
    expectError('CORRUPT_MODEL', /^weights: expected 416 bytes \(the sizes declared by weightsManifest\), received 412 bytes$/, {
      ...c,
      weights: c.weights.slice(4),
    });
    expectError('CORRUPT_MODEL', /^weights of weightsManifest\[0\] \(group1-shard1of1\.bin\): expected 416 bytes .*, received 420 bytes$/, {
      ...c,
      weights: [new Uint8Array(420)],
    });
    expectError(
      'INVALID_ARGUMENT',
      /^weights: expected 1 shard buffers \(one per path in weightsManifest\) or one concatenated buffer, received \[/,
      { ...c, weights: [c.weights, c.weights] },
    );
    expectError('INVALID_ARGUMENT', /^weights\[0\] \("group1-shard1of1\.bin"\): expected an ArrayBuffer or Uint8Array, received "x"$/, {
      ...c,
      weights: ['x'],
    });

    const shape = copy();
    shape.modelJson.weightsManifest[0]!.weights[0]!.shape = [12, 4]; // same bytes, wrong layout
    expectError(
      'SHAPE_MISMATCH',
      /^weight "lstm_LSTM\d+\/kernel" of layer "lstm_LSTM\d+": expected shape \[4, 12\], received \[12, 4\]$/,
      shape,
    );
    const dtype = copy();
    dtype.modelJson.weightsManifest[0]!.weights[1]!.dtype = 'float99';
    expectError(
      'CORRUPT_MODEL',
      /^weightsManifest\[0\]\.weights\[1\]\.dtype \(weight "lstm_LSTM\d+\/recurrent_kernel"\): expected a TF\.js dtype .*, received "float99"$/,
      dtype,
    );
    const int = copy();
    int.modelJson.weightsManifest[0]!.weights[1]!.dtype = 'int32';
    expectError(
      'UNSUPPORTED',
      /^weightsManifest\[0\]\.weights\[1\]\.dtype \(weight "lstm_LSTM\d+\/recurrent_kernel"\): expected float32, received "int32"$/,
      int,
    );
    const str = copy();
    str.modelJson.weightsManifest[0]!.weights[1]!.dtype = 'string';
    expectError('UNSUPPORTED', /expected float32, int32 or bool, received "string"$/, str);
    const huge = copy();
    huge.modelJson.weightsManifest[0]!.weights[0]!.shape = [1e6, 1e6];
    expectError(
      'CORRUPT_MODEL',
      /^weightsManifest\[0\]\.weights\[0\]\.shape \(weight "lstm_LSTM\d+\/kernel"\): expected at most 268435456 elements, received \[1000000, 1000000\]$/,
      huge,
    );
    const fractional = copy();
    fractional.modelJson.weightsManifest[0]!.weights[0]!.shape = [4.5, 12];
    expectError(
      'CORRUPT_MODEL',
      /shape\[0\] \(weight "lstm_LSTM\d+\/kernel"\): expected a non-negative integer, received 4\.5$/,
      fractional,
    );
    const nan = copy();
    new Float32Array(nan.weights)[5] = Number.NaN;
    expectError('NON_FINITE', /^weight "lstm_LSTM\d+\/kernel": expected finite numbers, received NaN at flat index 5$/, nan);
  });

  it('duplicate, missing and unexpected weights', () => {
    const dup = copy();
    const specs = dup.modelJson.weightsManifest[0]!.weights;
    specs[4] = { ...specs[4]!, name: specs[3]!.name, shape: [2] }; // dense/bias renamed to dense/kernel, same bytes
    specs[3] = { ...specs[3]! };
    expectError(
      'CORRUPT_MODEL',
      /^weightsManifest\[0\]\.weights\[4\]\.name: expected unique weight names, received a second weight "dense_Dense\d+\/kernel"$/,
      dup,
    );

    const name = base.modelJson.weightsManifest[0]!.weights[2]!.name;
    const { specs: fewer, bytes } = weightsWithout(name);
    const missing = copy();
    missing.modelJson.weightsManifest[0]!.weights = fewer;
    expectError('CORRUPT_MODEL', /^weightsManifest \(layer "lstm_LSTM\d+"\): expected a weight "lstm_LSTM\d+\/bias", received none$/, {
      modelJson: missing.modelJson,
      weights: bytes,
    });

    const extra = copy();
    extra.modelJson.weightsManifest[0]!.weights.push({ name: 'stray/kernel', shape: [1], dtype: 'float32' });
    const more = new Uint8Array(base.weights.byteLength + 4);
    more.set(new Uint8Array(base.weights));
    expectError(
      'CORRUPT_MODEL',
      /^weightsManifest: expected only weights of the model's layers, received unexpected weight "stray\/kernel"$/,
      { modelJson: extra.modelJson, weights: more },
    );

    const ambiguous = copy();
    ambiguous.modelJson.weightsManifest[0]!.weights.push({ name: `${name.split('/')[0]}/cell_a/bias`, shape: [4 * H], dtype: 'float32' });
    ambiguous.modelJson.weightsManifest[0]!.weights[2]!.name = `${name.split('/')[0]}/cell_b/bias`;
    const twice = new Uint8Array(base.weights.byteLength + 16 * H);
    twice.set(new Uint8Array(base.weights));
    expectError(
      'CORRUPT_MODEL',
      /^weightsManifest \(layer "lstm_LSTM\d+"\): expected one weight "lstm_LSTM\d+\/bias", received lstm_LSTM\d+\/cell_b\/bias, lstm_LSTM\d+\/cell_a\/bias$/,
      {
        modelJson: ambiguous.modelJson,
        weights: twice,
      },
    );
  });

  it('quantized weights (uint8, uint16, float16) are dequantized; optimizer state is skipped; bad quantization is rejected', () => {
    const c = copy();
    const specs = c.modelJson.weightsManifest[0]!.weights;
    const values = new Float32Array(base.weights);
    const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
    const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    // kernel as uint8, recurrent kernel as uint16, bias as float16; dense stays float32; plus an optimizer slot.
    const q8 = Uint8Array.from({ length: sizes[0]! }, (_, i) => i * 7);
    const q16 = Uint16Array.from({ length: sizes[1]! }, (_, i) => i * 1000);
    const half = Uint16Array.from({ length: sizes[2]! }, (_, i) => [0x3c00, 0xbc00, 0x3800, 0x0001, 0x7bff, 0x8000][i % 6]!);
    specs[0] = { ...specs[0]!, quantization: { dtype: 'uint8', scale: 0.01, min: -1 } };
    specs[1] = { ...specs[1]!, quantization: { dtype: 'uint16', scale: 1e-5, min: -0.5 } };
    specs[2] = { ...specs[2]!, quantization: { dtype: 'float16' } };
    specs.push({ name: 'optimizer/iter', shape: [], dtype: 'int32', group: 'optimizer' });
    const parts = [
      q8,
      new Uint8Array(q16.buffer),
      new Uint8Array(half.buffer),
      new Uint8Array(values.slice(offsets[3]!).buffer),
      new Uint8Array(4),
    ];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.byteLength;
    }
    const { model } = loadLayersModel(backends[0]![1](), { modelJson: c.modelJson, weights: bytes });
    const w = model.getWeights();
    expect(Array.from(w['0.kernel']!)).toEqual(Array.from(q8, (q) => Math.fround(q * 0.01 - 1)));
    expect(Array.from(w['0.recurrentKernel']!)).toEqual(Array.from(q16, (q) => Math.fround(q * 1e-5 - 0.5)));
    expect(Array.from(w['0.bias']!).slice(0, 6)).toEqual([1, -1, 0.5, 2 ** -24, 65504, -0]);
    model.dispose();

    const noScale = copy();
    noScale.modelJson.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'uint8' };
    expectError(
      'CORRUPT_MODEL',
      /^weightsManifest\[0\]\.weights\[0\]\.quantization \(weight "lstm_LSTM\d+\/kernel"\): expected scale and min for uint8 quantization/,
      noScale,
    );
    const int4 = copy();
    int4.modelJson.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'int4', scale: 1, min: 0 };
    expectError(
      'CORRUPT_MODEL',
      /^weightsManifest\[0\]\.weights\[0\]\.quantization\.dtype \(weight "lstm_LSTM\d+\/kernel"\): expected "uint8", "uint16" or "float16", received "int4"$/,
      int4,
    );
  });
});

describe('settings without effect on the outputs', () => {
  it('are listed in ignored, one line each, and the model still loads', () => {
    const c = copy();
    const lstm = c.layers[0]!.config;
    lstm.kernel_regularizer = { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } };
    lstm.recurrent_constraint = { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } };
    lstm.trainable = false;
    lstm.unroll = true; // no effect at all: not listed
    c.layers[1]!.config.dtype = 'float16';
    c.layers[1]!.config.future_option = 3;
    (c.modelJson as Record<string, unknown>).trainingConfig = { loss: 'meanSquaredError' };
    const { model, ignored } = loadLayersModel(backend(), c);
    expect(ignored).toEqual([
      expect.stringMatching(
        /^layer "lstm_LSTM\d+" \(LSTM\)\.kernel_regularizer: not applied by rnn \(use the optimizer's weightDecay or clipping\)$/,
      ),
      expect.stringMatching(/^layer "lstm_LSTM\d+" \(LSTM\)\.recurrent_constraint: not applied by rnn/),
      expect.stringMatching(/^layer "lstm_LSTM\d+" \(LSTM\)\.trainable: false is not kept \(rnn trains every parameter\)$/),
      expect.stringMatching(/^layer "dense_Dense\d+" \(Dense\)\.future_option: unknown option, ignored$/),
      expect.stringMatching(/^layer "dense_Dense\d+" \(Dense\)\.dtype: "float16" \(rnn computes in its backend's dtype\)$/),
      'training_config: not used (the loss and optimizer are load options)',
    ]);
    model.dispose();
  });
});

describe('paddingLengths', () => {
  it('turns end padding into lengths and rejects masks rnn cannot express', () => {
    expect(Array.from(paddingLengths({ data: [3, 1, 0, 0, 2, 2, 2, 2], shape: [2, 4] }, { kind: 'maskZero' }))).toEqual([2, 4]);
    expect(Array.from(paddingLengths({ data: [1, 1, -1, -1, 2, 3, 4, 5], shape: [2, 2, 2] }, { kind: 'maskValue', value: -1 }))).toEqual([
      1, 2,
    ]);
    expect(() => paddingLengths({ data: [3, 0, 1, 0], shape: [1, 4] }, { kind: 'maskZero' })).toThrow(
      /^x\[0\]\[1\]: expected padding only at the end of a sequence \(rnn lengths\), received "a masked step before a valid one"$/,
    );
    expect(() => paddingLengths({ data: [0, 0], shape: [1, 2] }, { kind: 'maskZero' })).toThrow(
      /^x\[0\]: expected at least one step that is not padding/,
    );
    expect(() => paddingLengths({ data: [0, 0], shape: [1, 1, 2] }, { kind: 'maskZero' })).toThrow(
      /^x\.shape: expected rank 2 \[batch, time\] \(token ids\), received \[1, 1, 2\]$/,
    );
  });
});

it('options are checked', () => {
  expectError('INVALID_ARGUMENT', /^options\.softmax: expected "reject" or "logits", received "probabilities"$/, base, {
    softmax: 'probabilities' as never,
  });
  expectError('INVALID_ARGUMENT', /^options\.kerasVersion: expected 2 or 3, received 4$/, base, { kerasVersion: 4 as never });
  void T;
});
