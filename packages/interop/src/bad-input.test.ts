// The bad-input catalogue of @rnn/interop: what a target format cannot represent, and damaged files.
import { jsBackend } from '@rnn/backend-js';
import { adam, dense, gru, lstm, meanSquaredError, recurrent, Sequential } from '@rnn/core';
import { type BadInputCase, checkBadInput } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { exportOnnx, loadLayersModel, readSafetensors, toLayersModel, toTorchStateDict } from './index.js';

const model = (cell: ReturnType<typeof gru>, stateful = false) =>
  new Sequential(jsBackend(), {
    layers: [recurrent({ cell, stateful }), dense({ inputSize: cell.hiddenSize, outputSize: 1 })],
    loss: meanSquaredError(),
    optimizer: adam(),
  });
const names = { rnn: 'rnn', head: 'fc' };

const cases: BadInputCase[] = [
  {
    name: 'a reset-after GRU for TF.js',
    call: () => toLayersModel(model(gru({ inputSize: 2, hiddenSize: 3 }))),
    code: 'UNSUPPORTED',
    argument: 'model.layers[0].cell.resetAfter',
    received: 'true',
  },
  {
    name: 'a reset-before GRU for PyTorch',
    call: () => toTorchStateDict(model(gru({ inputSize: 2, hiddenSize: 3, resetAfter: false })), names),
    code: 'UNSUPPORTED',
    argument: 'layers[0].cell.resetAfter',
    received: 'false',
  },
  {
    name: 'a stateful layer for ONNX',
    call: () => exportOnnx(model(lstm({ inputSize: 2, hiddenSize: 3 }), true)),
    code: 'UNSUPPORTED',
    argument: 'layers[0].stateful',
    received: 'true',
  },
  {
    name: 'an unsupported ONNX opset',
    call: () => exportOnnx(model(lstm({ inputSize: 2, hiddenSize: 3 })), { opset: 9 }),
    code: 'INVALID_ARGUMENT',
    argument: 'options.opset',
    received: '9',
  },
  {
    name: 'random bytes as safetensors',
    call: () => readSafetensors(new Uint8Array(16).fill(255)),
    code: 'CORRUPT_MODEL',
    argument: 'safetensors header length',
    received: '18446744073709551615 bytes',
  },
  {
    name: 'model.json that is not JSON',
    call: () => loadLayersModel(jsBackend(), { modelJson: '{"modelTopology":', weights: [] }),
    code: 'CORRUPT_MODEL',
    argument: 'modelJson',
    received: 'Unexpected end of JSON input',
  },
];

describe('@rnn/interop bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
