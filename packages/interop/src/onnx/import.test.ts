import {
  bidirectional,
  dense,
  dropout,
  embedding,
  gru,
  lstm,
  MERGE_MODES,
  meanSquaredError,
  recurrent,
  type Sequential,
  sgd,
  simpleRnn,
  stackedRecurrent,
} from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { B, CELLS, floats, H, I, LENGTHS, randomModel, softmaxLastAxis, T, tokens } from './cases.test-helpers.js';
import { exportOnnx, ONNX_IR_VERSION, type OnnxExportOptions } from './export.js';
import { importOnnx } from './import.js';
import { maxAbsDiff, runOnnx } from './ort.test-helpers.js';

const worst = { original: 0, ort: 0 };

/** Export → import; returns the max differences of the imported predict to the original's and to onnxruntime's. */
async function roundTrip(
  model: Sequential,
  x: { data: Float32Array | Int32Array; shape: number[] },
  options: OnnxExportOptions & { lengths?: number[] } = {},
): Promise<{ original: number; ort: number }> {
  const { lengths, ...exportOptions } = options;
  const bytes = exportOnnx(model, { ...exportOptions, sequenceLengths: lengths !== undefined });
  const imported = importOnnx(model.backend, bytes, { softmax: 'logits' });
  expect(imported.softmaxDropped).toBe(options.softmax === true);
  expect(imported.inputs.map((i) => i.role)).toEqual(lengths ? ['x', 'lengths'] : ['x']);
  const predictOptions = lengths ? { lengths } : {};
  const expected = model.predict(x, predictOptions);
  const got = imported.model.predict(x, predictOptions);
  expect(got.shape).toEqual(expected.shape);
  expect(imported.model.layerConfigs().filter((c) => c.kind !== 'dropout').length).toBe(
    model.layerConfigs().filter((c) => c.kind !== 'dropout').length,
  );
  const ort = await runOnnx(bytes, { x, ...(lengths ? { lengths } : {}), ...(options.tokenType ? { tokenType: options.tokenType } : {}) });
  const mine = options.softmax ? softmaxLastAxis(got.data, got.shape.at(-1)!) : got.data;
  const diffs = { original: maxAbsDiff(got.data, expected.data), ort: maxAbsDiff(ort.data, mine) };
  worst.original = Math.max(worst.original, diffs.original);
  worst.ort = Math.max(worst.ort, diffs.ort);
  imported.model.dispose();
  return diffs;
}

async function expectRoundTrip(
  model: Sequential,
  x: { data: Float32Array | Int32Array; shape: number[] },
  options: OnnxExportOptions & { lengths?: number[] } = {},
  tolerance = 1e-6,
): Promise<void> {
  const d = await roundTrip(model, x, options);
  expect(d.original).toBeLessThan(tolerance);
  expect(d.ort).toBeLessThan(1e-5);
  model.dispose();
}

describe('ONNX import of every exported model: predict equals the original and onnxruntime', () => {
  for (const [name, cell] of CELLS)
    for (const returnSequences of [false, true])
      for (const padded of [false, true])
        it(`${name}, returnSequences ${returnSequences}${padded ? ', sequence_lens' : ''}`, async () => {
          const model = randomModel([recurrent({ cell: cell(I), returnSequences })]);
          const original = model.layers[0]!;
          await expectRoundTrip(model, floats(2, [B, T, I]), padded ? { lengths: LENGTHS } : {});
          expect(original.kind).toBe('recurrent');
        });

  for (const padded of [false, true])
    it(`reverse-only GRU (direction = reverse)${padded ? ', sequence_lens' : ''}`, async () => {
      const model = randomModel([recurrent({ cell: gru({ inputSize: I, hiddenSize: H }), reverse: true, returnSequences: true })]);
      const bytes = exportOnnx(model);
      expect(importOnnx(model.backend, bytes).model.layerConfigs()[0]).toMatchObject({ kind: 'recurrent', reverse: true });
      await expectRoundTrip(model, floats(3, [B, T, I]), padded ? { lengths: LENGTHS } : {});
    });

  for (const mergeMode of MERGE_MODES)
    for (const returnSequences of [false, true])
      for (const padded of [false, true])
        it(`bidirectional LSTM, merge ${mergeMode}, returnSequences ${returnSequences}${padded ? ', sequence_lens' : ''}`, async () => {
          const model = randomModel([bidirectional({ cell: lstm({ inputSize: I, hiddenSize: H }), mergeMode, returnSequences })]);
          const imported = importOnnx(model.backend, exportOnnx(model));
          expect(imported.model.layerConfigs()[0]).toMatchObject({ kind: 'bidirectional', mergeMode });
          expect(imported.model.outputShape([B, T, I])).toEqual(model.outputShape([B, T, I]));
          imported.model.dispose();
          await expectRoundTrip(model, floats(4, [B, T, I]), padded ? { lengths: LENGTHS } : {});
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
      await expectRoundTrip(model, floats(5, [B, T, I]), padded ? { lengths: LENGTHS } : {});
    });

  for (const padded of [false, true])
    it(`stacked 2-layer LSTM, last state, dense head + softmax${padded ? ', sequence_lens' : ''}`, async () => {
      const model = randomModel([
        ...stackedRecurrent({ cell: (i) => lstm({ inputSize: i, hiddenSize: H }), inputSize: I, numLayers: 2 }),
        dense({ inputSize: H, outputSize: 4 }),
      ]);
      await expectRoundTrip(model, floats(6, [B, T, I]), { softmax: true, ...(padded ? { lengths: LENGTHS } : {}) });
    });

  for (const tokenType of ['int64', 'int32'] as const)
    it(`embedding input (${tokenType} ids) → bidirectional GRU (sum) → dense → softmax, sequence_lens`, async () => {
      const model = randomModel([
        embedding({ vocabSize: 7, embeddingSize: I, paddingIndex: 0 }),
        bidirectional({ cell: gru({ inputSize: I, hiddenSize: H }), mergeMode: 'sum' }),
        dense({ inputSize: H, outputSize: 3 }),
      ]);
      const imported = importOnnx(model.backend, exportOnnx(model, { tokenType, sequenceLengths: true }), { softmax: 'logits' });
      expect(imported.inputs).toEqual([
        { name: 'x', role: 'x', elemType: tokenType, shape: ['batch', 'time'] },
        { name: 'sequence_lens', role: 'lengths', elemType: 'int32', shape: ['batch'] },
      ]);
      imported.model.dispose();
      await expectRoundTrip(model, tokens(7, 7), { softmax: true, tokenType, lengths: LENGTHS });
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
      const imported = importOnnx(model.backend, exportOnnx(model), { softmax: 'logits' });
      expect(imported.model.layerConfigs()[2]).toMatchObject({ kind: 'dense', activation });
      imported.model.dispose();
      await expectRoundTrip(model, tokens(8, 9), { softmax: true });
    }
  });

  it('bidirectional none keeps the directions on their own axis, then a dense over H', async () => {
    const model = randomModel([
      bidirectional({ cell: simpleRnn({ inputSize: I, hiddenSize: H }), mergeMode: 'none', returnSequences: true }),
      dense({ inputSize: H, outputSize: 2 }),
    ]);
    await expectRoundTrip(model, floats(9, [B, T, I]), { lengths: LENGTHS });
  });

  it('bidirectional with a backward cell of other activations', async () => {
    const model = randomModel([
      bidirectional({
        cell: lstm({ inputSize: I, hiddenSize: H }),
        backwardCell: lstm({ inputSize: I, hiddenSize: H, recurrentActivation: 'hardSigmoid', activation: 'relu' }),
        mergeMode: 'average',
        returnSequences: true,
      }),
    ]);
    await expectRoundTrip(model, floats(12, [B, T, I]), { lengths: LENGTHS });
  });

  it('a float64 model round-trips within 1e-12 (its weights are float32 values) and matches onnxruntime', async () => {
    const model = randomModel(
      [bidirectional({ cell: gru({ inputSize: I, hiddenSize: H }), mergeMode: 'mul' }), dense({ inputSize: H, outputSize: 2 })],
      4,
      'float64',
    );
    await expectRoundTrip(model, floats(13, [B, T, I]), { lengths: LENGTHS }, 1e-12);
  });

  it('a float64 LSTM model, whose ONNX bias is split into Wb + Rb, round-trips within 1e-12', async () => {
    const model = randomModel([recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true })], 5, 'float64');
    await expectRoundTrip(model, floats(14, [B, T, I]), {}, 1e-12);
  });

  it('a model that starts with a dense layer (input projection)', async () => {
    const model = randomModel([
      dense({ inputSize: I, outputSize: 6, activation: 'relu' }),
      recurrent({ cell: lstm({ inputSize: 6, hiddenSize: H }) }),
    ]);
    await expectRoundTrip(model, floats(10, [B, T, I]));
  });

  it('reads every supported opset', async () => {
    const model = randomModel([
      bidirectional({ cell: gru({ inputSize: I, hiddenSize: H, resetAfter: false }) }),
      dense({ inputSize: 2 * H, outputSize: 2 }),
    ]);
    for (const opset of Object.keys(ONNX_IR_VERSION).map(Number)) {
      const d = await roundTrip(model, floats(11, [B, T, I]), { opset, softmax: true });
      expect(d.original).toBeLessThan(1e-6);
      expect(d.ort).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('reports what it does not keep', () => {
    const model = randomModel([recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }) }), dense({ inputSize: H, outputSize: 2 })]);
    const { ignored, output, model: imported } = importOnnx(model.backend, exportOnnx(model, { softmax: true }), { softmax: 'logits' });
    expect(output).toBe('y');
    expect(ignored).toEqual([
      'node "Softmax_node" (Softmax): dropped (options.softmax "logits"); predict returns logits',
      'metadata_props (rnn.layers): not used, the model is built from the graph',
    ]);
    imported.dispose();
    model.dispose();
  });

  it('an imported model trains (trainStep lowers the loss) and re-exports to the same onnxruntime outputs', async () => {
    const model = randomModel([
      bidirectional({ cell: lstm({ inputSize: I, hiddenSize: H }), mergeMode: 'concat' }),
      dense({ inputSize: 2 * H, outputSize: 2 }),
    ]);
    const bytes = exportOnnx(model);
    const x = floats(30, [B, T, I]);
    const { model: imported } = importOnnx(model.backend, bytes, { loss: meanSquaredError(), optimizer: sgd({ lr: 0.05 }) });
    // the same file again from the imported model
    const again = exportOnnx(imported);
    const [a, b] = [await runOnnx(bytes, { x }), await runOnnx(again, { x })];
    expect(maxAbsDiff(a.data, b.data)).toBeLessThan(1e-6);

    const y = { data: Float32Array.from({ length: B * 2 }, (_, k) => (k % 3) - 1), shape: [B, 2] };
    const first = imported.trainStep({ x, y }).loss;
    let last = first;
    for (let k = 0; k < 20; k++) last = imported.trainStep({ x, y }).loss;
    expect(last).toBeLessThan(first * 0.9);
    imported.dispose();
    model.dispose();
  });

  it('max differences over the round trips', () => {
    // printed for the README / report; the per-test bounds above are the assertions
    console.info(
      `ONNX import round trips: max |imported − original| ${worst.original.toExponential(2)}, max |imported − onnxruntime| ${worst.ort.toExponential(2)}`,
    );
    expect(worst.original).toBeLessThan(1e-6);
  });
});
