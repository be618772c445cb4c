// Every exported graph runs in onnxruntime-node and must match rnn's predict (float32 jsBackend) within 1e-5.
import { jsBackend } from '@rnn/backend-js';
import {
  bidirectional,
  type Cell,
  dense,
  dropout,
  embedding,
  gru,
  InvalidArgumentError,
  lstm,
  MERGE_MODES,
  meanSquaredError,
  Rng,
  recurrent,
  Sequential,
  sgd,
  simpleRnn,
  stackedRecurrent,
  UnsupportedError,
} from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { B, CELLS, floats, H, I, LENGTHS, randomModel, softmaxLastAxis, T, tokens } from './cases.test-helpers.js';
import { exportOnnx, ONNX_IR_VERSION, type OnnxExportOptions } from './export.js';
import { maxAbsDiff, runOnnx } from './ort.test-helpers.js';
import { ModelProto } from './proto.js';

/** Exports, runs in onnxruntime and compares with predict; returns the max abs difference. */
async function compare(
  model: Sequential,
  x: { data: Float32Array | Int32Array; shape: number[] },
  options: OnnxExportOptions & { lengths?: number[] } = {},
): Promise<number> {
  const { lengths, ...exportOptions } = options;
  const bytes = exportOnnx(model, { ...exportOptions, sequenceLengths: lengths !== undefined });
  const expected = model.predict(x, lengths ? { lengths } : {});
  const got = await runOnnx(bytes, { x, ...(lengths ? { lengths } : {}), ...(options.tokenType ? { tokenType: options.tokenType } : {}) });
  expect(got.dims).toEqual(expected.shape);
  let ref = expected.data;
  if (options.softmax) ref = softmaxLastAxis(ref, expected.shape.at(-1)!);
  return maxAbsDiff(got.data, ref);
}

describe('ONNX export runs in onnxruntime and matches predict', () => {
  for (const [name, cell] of CELLS)
    for (const returnSequences of [false, true])
      for (const padded of [false, true])
        it(`${name}, returnSequences ${returnSequences}${padded ? ', sequence_lens' : ''}`, async () => {
          const model = randomModel([recurrent({ cell: cell(I), returnSequences })]);
          const diff = await compare(model, floats(2, [B, T, I]), padded ? { lengths: LENGTHS } : {});
          expect(diff).toBeLessThan(1e-5);
          model.dispose();
        });

  for (const padded of [false, true])
    it(`reverse-only GRU (direction = reverse)${padded ? ', sequence_lens' : ''}`, async () => {
      const model = randomModel([recurrent({ cell: gru({ inputSize: I, hiddenSize: H }), reverse: true, returnSequences: true })]);
      expect(await compare(model, floats(3, [B, T, I]), padded ? { lengths: LENGTHS } : {})).toBeLessThan(1e-5);
      model.dispose();
    });

  for (const mergeMode of MERGE_MODES)
    for (const returnSequences of [false, true])
      for (const padded of [false, true])
        it(`bidirectional LSTM, merge ${mergeMode}, returnSequences ${returnSequences}${padded ? ', sequence_lens' : ''}`, async () => {
          const model = randomModel([bidirectional({ cell: lstm({ inputSize: I, hiddenSize: H }), mergeMode, returnSequences })]);
          expect(await compare(model, floats(4, [B, T, I]), padded ? { lengths: LENGTHS } : {})).toBeLessThan(1e-5);
          model.dispose();
        });

  for (const padded of [false, true])
    it(`stacked 2-layer bidirectional GRU with dropout between, time-distributed dense${padded ? ', sequence_lens' : ''}`, async () => {
      const model = randomModel([
        ...stackedRecurrent({
          cell: (i) => gru({ inputSize: i, hiddenSize: H }),
          inputSize: I,
          numLayers: 2,
          bidirectional: 'concat',
          dropoutBetween: 0.3,
          returnSequences: true,
        }),
        dense({ inputSize: 2 * H, outputSize: 2, activation: 'tanh' }),
      ]);
      expect(model.layers.map((l) => l.kind)).toEqual(['bidirectional', 'dropout', 'bidirectional', 'dense']);
      expect(await compare(model, floats(5, [B, T, I]), padded ? { lengths: LENGTHS } : {})).toBeLessThan(1e-5);
      model.dispose();
    });

  for (const padded of [false, true])
    it(`stacked 2-layer LSTM, last state, dense head + softmax${padded ? ', sequence_lens' : ''}`, async () => {
      const model = randomModel([
        ...stackedRecurrent({ cell: (i) => lstm({ inputSize: i, hiddenSize: H }), inputSize: I, numLayers: 2 }),
        dense({ inputSize: H, outputSize: 4 }),
      ]);
      expect(await compare(model, floats(6, [B, T, I]), { softmax: true, ...(padded ? { lengths: LENGTHS } : {}) })).toBeLessThan(1e-5);
      model.dispose();
    });

  for (const tokenType of ['int64', 'int32'] as const)
    it(`embedding input (${tokenType} ids) → bidirectional GRU (sum) → dense → softmax, sequence_lens`, async () => {
      const model = randomModel([
        embedding({ vocabSize: 7, embeddingSize: I, paddingIndex: 0 }),
        bidirectional({ cell: gru({ inputSize: I, hiddenSize: H }), mergeMode: 'sum' }),
        dense({ inputSize: H, outputSize: 3 }),
      ]);
      expect(await compare(model, tokens(7, 7), { softmax: true, tokenType, lengths: LENGTHS })).toBeLessThan(1e-5);
      model.dispose();
    });

  it('per-step classifier: embedding → LSTM sequences → dense with every activation → dense + softmax', async () => {
    for (const activation of ['sigmoid', 'relu', 'hardSigmoid', 'hardSigmoid6', 'linear'] as const) {
      const model = randomModel([
        embedding({ vocabSize: 9, embeddingSize: I }),
        recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true }),
        dense({ inputSize: H, outputSize: 5, activation }),
        dropout({ rate: 0.5 }),
        dense({ inputSize: 5, outputSize: 3, useBias: false }),
      ]);
      expect(await compare(model, tokens(8, 9), { softmax: true })).toBeLessThan(1e-5);
      model.dispose();
    }
  });

  it('bidirectional none keeps the directions on their own axis, then a dense over H', async () => {
    const model = randomModel([
      bidirectional({ cell: simpleRnn({ inputSize: I, hiddenSize: H }), mergeMode: 'none', returnSequences: true }),
      dense({ inputSize: H, outputSize: 2 }),
    ]);
    expect(model.outputShape([B, T, I])).toEqual([B, T, 2, 2]);
    expect(await compare(model, floats(9, [B, T, I]), { lengths: LENGTHS })).toBeLessThan(1e-5);
    model.dispose();
  });

  it('bidirectional with a backward cell of other activations (ONNX lists activations per direction)', async () => {
    const model = randomModel([
      bidirectional({
        cell: lstm({ inputSize: I, hiddenSize: H }),
        backwardCell: lstm({ inputSize: I, hiddenSize: H, recurrentActivation: 'hardSigmoid', activation: 'relu' }),
        mergeMode: 'average',
        returnSequences: true,
      }),
    ]);
    expect(await compare(model, floats(12, [B, T, I]), { lengths: LENGTHS })).toBeLessThan(1e-5);
    const bytes = exportOnnx(model);
    expect(bytes.constructor).toBe(Uint8Array);
    const node = findNode(decode(bytes), 'LSTM');
    expect(nodeAttr(node, 'activations').strings!.map(text)).toEqual(['Sigmoid', 'Tanh', 'Tanh', 'HardSigmoid', 'Relu', 'Relu']);
    expect(nodeAttr(node, 'activation_alpha').floats).toEqual([Math.fround(0.2)]);
    model.dispose();
  });

  it('a float64 model exports float32 weights (rounded once) and still matches', async () => {
    const layers = [
      bidirectional({ cell: gru({ inputSize: I, hiddenSize: H }), mergeMode: 'mul' }),
      dense({ inputSize: H, outputSize: 2 }),
    ];
    const model = new Sequential(jsBackend({ dtype: 'float64' }), { layers, loss: meanSquaredError(), optimizer: sgd(), seed: 4 });
    const rng = new Rng(44);
    model.setWeights(
      Object.fromEntries(model.params.map((p) => [p.name, Float64Array.from({ length: p.value.size }, () => rng.uniform(-0.6, 0.6))])),
    );
    expect(await compare(model, floats(13, [B, T, I]), { lengths: LENGTHS })).toBeLessThan(1e-5);
    model.dispose();
  });

  it('a model that starts with a dense layer (input projection)', async () => {
    const model = randomModel([
      dense({ inputSize: I, outputSize: 6, activation: 'relu' }),
      recurrent({ cell: lstm({ inputSize: 6, hiddenSize: H }) }),
    ]);
    expect(await compare(model, floats(10, [B, T, I]))).toBeLessThan(1e-5);
    model.dispose();
  });

  it('runs at every supported opset, with the IR version of its ONNX release', async () => {
    const model = randomModel([
      bidirectional({ cell: gru({ inputSize: I, hiddenSize: H, resetAfter: false }) }),
      dense({ inputSize: 2 * H, outputSize: 2 }),
    ]);
    for (const opset of Object.keys(ONNX_IR_VERSION).map(Number)) {
      const decoded = decode(exportOnnx(model, { opset }));
      expect(decoded.opset_import).toEqual([{ domain: '', version: opset }]);
      expect(decoded.ir_version).toBe(ONNX_IR_VERSION[opset]);
      expect(await compare(model, floats(11, [B, T, I]), { opset })).toBeLessThan(1e-5);
    }
    expect(ONNX_IR_VERSION[14]).toBe(7);
    expect(ONNX_IR_VERSION[17]).toBe(8);
    expect(ONNX_IR_VERSION[23]).toBe(11);
    model.dispose();
  });

  it('dynamic batch and time: one exported graph runs on other batch sizes and lengths', async () => {
    const model = randomModel([bidirectional({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true })]);
    const bytes = exportOnnx(model, { sequenceLengths: true });
    for (const [b, t] of [
      [1, 1],
      [2, 9],
      [5, 3],
    ] as const) {
      const x = floats(20 + b, [b, t, I]);
      const lengths = Array.from({ length: b }, (_, k) => Math.max(1, t - k));
      const got = await runOnnx(bytes, { x, lengths });
      const expected = model.predict(x, { lengths });
      expect(got.dims).toEqual([b, t, 2 * H]);
      expect(maxAbsDiff(got.data, expected.data)).toBeLessThan(1e-5);
    }
    model.dispose();
  });
});

interface DecodedAttribute {
  name: string;
  i?: number;
  s?: number[];
  floats?: number[];
  strings?: number[][];
}
interface DecodedNode {
  op_type: string;
  input: string[];
  attribute: DecodedAttribute[];
}
interface DecodedValue {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: { dim_param?: string; dim_value?: number }[] } } };
}
interface DecodedModel {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  metadata_props: { key: string; value: string }[];
  graph: { node: DecodedNode[]; initializer: { name: string; raw_data: number[] }[]; input: DecodedValue[]; output: DecodedValue[] };
}

/** The ModelProto as a plain object (int64 as numbers, bytes as arrays). */
function decode(bytes: Uint8Array): DecodedModel {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as unknown as DecodedModel;
}

const findNode = (m: DecodedModel, op: string): DecodedNode => m.graph.node.find((n) => n.op_type === op)!;
const nodeAttr = (node: DecodedNode, name: string): DecodedAttribute => node.attribute.find((a) => a.name === name)!;
const text = (b: number[]): string => new TextDecoder().decode(Uint8Array.from(b));
const initializer = (m: DecodedModel, name: string): number[] => {
  const t = m.graph.initializer.find((i) => i.name === name)!;
  return Array.from(new Float32Array(Uint8Array.from(t.raw_data).buffer));
};

describe('ONNX graph layout', () => {
  function oneUnit(cell: Cell, values: Record<string, number[]>): Sequential {
    const model = new Sequential(jsBackend(), { layers: [recurrent({ cell })], loss: meanSquaredError(), optimizer: sgd(), seed: 0 });
    model.setWeights(values);
    return model;
  }

  it('LSTM gate blocks i, f, g, o become i, o, f, c; the single bias goes to Wb and Rb is zero', () => {
    const model = oneUnit(lstm({ inputSize: 1, hiddenSize: 1 }), {
      '0.kernel': [1, 2, 3, 4],
      '0.recurrentKernel': [5, 6, 7, 8],
      '0.bias': [0.1, 0.2, 0.3, 0.4],
    });
    const m = decode(exportOnnx(model));
    const node = findNode(m, 'LSTM');
    expect(initializer(m, node.input[1])).toEqual([1, 4, 2, 3]);
    expect(initializer(m, node.input[2])).toEqual([5, 8, 6, 7]);
    expect(initializer(m, node.input[3])).toEqual([0.1, 0.4, 0.2, 0.3, 0, 0, 0, 0].map(Math.fround));
    expect(nodeAttr(node, 'direction').s).toEqual(Array.from(new TextEncoder().encode('forward')));
    expect(nodeAttr(node, 'activations').strings!.map(text)).toEqual(['Sigmoid', 'Tanh', 'Tanh']);
    expect(nodeAttr(node, 'hidden_size').i).toBe(1);
    expect(nodeAttr(node, 'layout')).toBeUndefined(); // layout 0 behind Transpose nodes
    model.dispose();
  });

  it('GRU keeps z, r, n; resetAfter → linear_before_reset 1 with both biases, reset-before → 0', () => {
    const after = oneUnit(gru({ inputSize: 1, hiddenSize: 1 }), {
      '0.kernel': [1, 2, 3],
      '0.recurrentKernel': [4, 5, 6],
      '0.bias': [0.1, 0.2, 0.3],
      '0.recurrentBias': [0.4, 0.5, 0.6],
    });
    let m = decode(exportOnnx(after));
    let node = findNode(m, 'GRU');
    expect(initializer(m, node.input[1])).toEqual([1, 2, 3]);
    expect(initializer(m, node.input[3])).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map(Math.fround));
    expect(nodeAttr(node, 'linear_before_reset').i).toBe(1);
    const before = oneUnit(gru({ inputSize: 1, hiddenSize: 1, resetAfter: false, recurrentActivation: 'hardSigmoid6' }), {
      '0.kernel': [1, 2, 3],
      '0.recurrentKernel': [4, 5, 6],
      '0.bias': [0.1, 0.2, 0.3],
    });
    m = decode(exportOnnx(before));
    node = findNode(m, 'GRU');
    expect(initializer(m, node.input[3])).toEqual([0.1, 0.2, 0.3, 0, 0, 0].map(Math.fround));
    expect(nodeAttr(node, 'linear_before_reset').i ?? 0).toBe(0);
    expect(nodeAttr(node, 'activations').strings!.map(text)).toEqual(['HardSigmoid', 'Tanh']);
    expect(nodeAttr(node, 'activation_alpha').floats).toEqual([Math.fround(1 / 6)]);
    expect(nodeAttr(node, 'activation_beta').floats).toEqual([0.5]);
    after.dispose();
    before.dispose();
  });

  it('declares x [batch, time, I], the optional sequence_lens [batch] and y with dynamic batch and time', () => {
    const model = randomModel([
      bidirectional({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true }),
      dense({ inputSize: 2 * H, outputSize: 2 }),
    ]);
    const m = decode(exportOnnx(model, { sequenceLengths: true }));
    const dims = (v: DecodedValue) => v.type.tensor_type.shape.dim.map((d) => d.dim_param ?? d.dim_value);
    expect(m.graph.input.map((v) => [v.name, v.type.tensor_type.elem_type, dims(v)])).toEqual([
      ['x', 1, ['batch', 'time', I]],
      ['sequence_lens', 6, ['batch']],
    ]);
    expect(m.graph.output.map((v) => [v.name, dims(v)])).toEqual([['y', ['batch', 'time', 2]]]);
    expect(m.producer_name).toBe('@rnn/interop');
    expect(JSON.parse(m.metadata_props[0]!.value)).toEqual(model.layerConfigs());
    model.dispose();
  });
});

describe('ONNX export errors', () => {
  it('rejects what a stateless graph or ONNX cannot express, naming the layer', () => {
    const stateful = randomModel([recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), stateful: true })]);
    expect(() => exportOnnx(stateful)).toThrow(UnsupportedError);
    expect(() => exportOnnx(stateful)).toThrow(/layers\[0\]\.stateful: expected false/);
    stateful.dispose();

    const custom: Cell = { ...gru({ inputSize: I, hiddenSize: H }), kind: 'myGru' };
    const contributed = randomModel([recurrent({ cell: custom })]);
    expect(() => exportOnnx(contributed)).toThrow(/layers\[0\]\.cell: expected a built-in cell .* received "myGru"/);
    contributed.dispose();

    const lateEmbedding = randomModel([dense({ inputSize: 2, outputSize: 2 }), embedding({ vocabSize: 3, embeddingSize: 2 })]);
    expect(() => exportOnnx(lateEmbedding)).toThrow(UnsupportedError);
    lateEmbedding.dispose();

    const onlyDropout = randomModel([dropout({ rate: 0.1 })]);
    expect(() => exportOnnx(onlyDropout)).toThrow(UnsupportedError);
    onlyDropout.dispose();
  });

  it('validates options', () => {
    const model = randomModel([recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }) })]);
    expect(() => exportOnnx(model, { opset: 13 })).toThrow(InvalidArgumentError);
    expect(() => exportOnnx(model, { opset: 13 })).toThrow(/options\.opset: expected an integer from 14 to 23, received 13/);
    expect(() => exportOnnx(model, { softmax: 'yes' as never })).toThrow(/options\.softmax: expected a boolean/);
    expect(() => exportOnnx(model, { tokenType: 'int8' as never })).toThrow(InvalidArgumentError);
    model.dispose();
    const head = randomModel([dense({ inputSize: 2, outputSize: 2 })]);
    expect(() => exportOnnx(head, { sequenceLengths: true })).toThrow(/options\.sequenceLengths: expected a model with recurrent layers/);
    head.dispose();
  });
});
