// The bad-input catalogue of @rnn/core: every public entry point given wrong input throws a typed RnnError whose
// message names the argument, what was expected and what was received. Nothing is clamped or repaired.
import { describe, expect, it } from 'vitest';
import {
  adam,
  bidirectional,
  clipGradNorm,
  cosineDecay,
  createCell,
  ctcLoss,
  dense,
  dropout,
  embedding,
  gru,
  huber,
  loadModelBytes,
  lstm,
  meanSquaredError,
  Rng,
  recurrent,
  Sequential,
  sgd,
  simpleRnn,
  softmaxCrossEntropy,
  stackedRecurrent,
  warmup,
} from './index.js';
import { type BadInputCase, checkBadInput } from './testing/bad-input.js';
import { referenceBackend } from './testing/reference-backend.js';

const backend = referenceBackend();
const model = () =>
  new Sequential(backend, {
    layers: [recurrent({ cell: lstm({ inputSize: 3, hiddenSize: 4 }) }), dense({ inputSize: 4, outputSize: 2 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam(),
    seed: 1,
  });
const tokens = () =>
  new Sequential(backend, {
    layers: [
      embedding({ vocabSize: 5, embeddingSize: 3 }),
      recurrent({ cell: gru({ inputSize: 3, hiddenSize: 4 }) }),
      dense({ inputSize: 4, outputSize: 2 }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam(),
  });
const x = (B = 2, T = 5, I = 3) => ({ data: new Float32Array(B * T * I), shape: [B, T, I] });
const y = (B = 2) => ({ data: new Int32Array(B), shape: [B] });

const cases: BadInputCase[] = [
  {
    name: 'cell size zero',
    call: () => lstm({ inputSize: 0, hiddenSize: 4 }),
    code: 'INVALID_ARGUMENT',
    argument: 'lstm.inputSize',
    received: '0',
  },
  {
    name: 'fractional cell size',
    call: () => gru({ inputSize: 3, hiddenSize: 2.5 }),
    code: 'INVALID_ARGUMENT',
    argument: 'gru.hiddenSize',
    received: '2.5',
  },
  {
    name: 'negative cell size',
    call: () => simpleRnn({ inputSize: -3, hiddenSize: 2 }),
    code: 'INVALID_ARGUMENT',
    argument: 'simpleRnn.inputSize',
    received: '-3',
  },
  {
    name: 'unknown activation',
    call: () => simpleRnn({ inputSize: 3, hiddenSize: 2, activation: 'gelu' as never }),
    code: 'INVALID_ARGUMENT',
    argument: 'simpleRnn.activation',
    received: '"gelu"',
  },
  {
    name: 'unknown gate activation',
    call: () => gru({ inputSize: 3, hiddenSize: 2, recurrentActivation: 'softmax' as never }),
    code: 'INVALID_ARGUMENT',
    argument: 'gru.recurrentActivation',
    received: '"softmax"',
  },
  {
    name: 'forget bias NaN',
    call: () => lstm({ inputSize: 3, hiddenSize: 2, forgetBias: Number.NaN }),
    code: 'INVALID_ARGUMENT',
    argument: 'lstm.forgetBias',
    received: 'NaN',
  },
  {
    name: 'recurrent without a cell',
    call: () => recurrent({ cell: {} as never }),
    code: 'INVALID_ARGUMENT',
    argument: 'recurrent.cell',
    received: 'Object',
  },
  {
    name: 'dropout rate 1.5',
    call: () => recurrent({ cell: lstm({ inputSize: 3, hiddenSize: 2 }), dropout: 1.5 }),
    code: 'INVALID_ARGUMENT',
    argument: 'recurrent.dropout',
    received: '1.5',
  },
  { name: 'dropout layer rate 1', call: () => dropout({ rate: 1 }), code: 'INVALID_ARGUMENT', argument: 'dropout.rate', received: '1' },
  {
    name: 'dense output size -1',
    call: () => dense({ inputSize: 3, outputSize: -1 }),
    code: 'INVALID_ARGUMENT',
    argument: 'dense.outputSize',
    received: '-1',
  },
  {
    name: 'embedding vocabulary 0',
    call: () => embedding({ vocabSize: 0, embeddingSize: 3 }),
    code: 'INVALID_ARGUMENT',
    argument: 'embedding.vocabSize',
    received: '0',
  },
  {
    name: 'padding index outside the vocabulary',
    call: () => embedding({ vocabSize: 5, embeddingSize: 3, paddingIndex: 5 }),
    code: 'INVALID_ARGUMENT',
    argument: 'embedding.paddingIndex',
    received: '5',
  },
  {
    name: 'unknown merge mode',
    call: () => bidirectional({ cell: lstm({ inputSize: 3, hiddenSize: 2 }), mergeMode: 'max' as never }),
    code: 'INVALID_ARGUMENT',
    argument: 'bidirectional.mergeMode',
    received: '"max"',
  },
  {
    name: 'stack of zero layers',
    call: () => stackedRecurrent({ cell: (i: number) => lstm({ inputSize: i, hiddenSize: 2 }), inputSize: 3, numLayers: 0 } as never),
    code: 'INVALID_ARGUMENT',
    argument: 'stackedRecurrent.numLayers',
    received: '0',
  },
  {
    name: 'unknown cell kind in a config',
    call: () => createCell({ kind: 'transformer', inputSize: 3, hiddenSize: 2 } as never),
    code: 'INVALID_ARGUMENT',
    argument: 'config.kind',
    received: '"transformer"',
  },
  {
    name: 'wrong backend object',
    call: () =>
      new Sequential({} as never, { layers: [dense({ inputSize: 1, outputSize: 1 })], loss: meanSquaredError(), optimizer: adam() }),
    code: 'INVALID_ARGUMENT',
    argument: 'backend',
    received: 'Object',
  },
  {
    name: 'no layers',
    call: () => new Sequential(backend, { layers: [], loss: meanSquaredError(), optimizer: adam() }),
    code: 'INVALID_ARGUMENT',
    argument: 'layers',
    received: '[]',
  },
  {
    name: 'missing loss',
    call: () => new Sequential(backend, { layers: [dense({ inputSize: 1, outputSize: 1 })], loss: undefined as never, optimizer: adam() }),
    code: 'INVALID_ARGUMENT',
    argument: 'loss',
    received: 'undefined',
  },
  {
    name: 'negative seed',
    call: () =>
      new Sequential(backend, { layers: [dense({ inputSize: 1, outputSize: 1 })], loss: meanSquaredError(), optimizer: adam(), seed: -1 }),
    code: 'INVALID_ARGUMENT',
    argument: 'seed',
    received: '-1',
  },
  {
    name: 'input of rank 2 for a recurrent model',
    call: () => model().predict({ data: new Float32Array(6), shape: [2, 3] }),
    code: 'SHAPE_MISMATCH',
    argument: 'x',
    received: '[2, 3]',
  },
  {
    name: 'wrong number of features',
    call: () => model().predict(x(2, 5, 4)),
    code: 'SHAPE_MISMATCH',
    argument: 'x.shape[2]',
    received: '4',
  },
  {
    name: 'data length not the shape’s size',
    call: () => model().predict({ data: new Float32Array(7), shape: [2, 5, 3] }),
    code: 'SHAPE_MISMATCH',
    argument: 'x.data',
    received: '7',
  },
  {
    name: 'NaN in the input',
    call: () => model().predict({ data: Float32Array.from({ length: 30 }, (_, i) => (i === 17 ? Number.NaN : 0)), shape: [2, 5, 3] }),
    code: 'NON_FINITE',
    argument: 'x.data',
    received: 'NaN at flat index 17',
  },
  {
    name: 'Infinity in the targets',
    call: () =>
      new Sequential(backend, { layers: [dense({ inputSize: 3, outputSize: 1 })], loss: meanSquaredError(), optimizer: adam() }).trainStep({
        x: { data: new Float32Array(6), shape: [2, 3] },
        y: { data: [0, Number.POSITIVE_INFINITY], shape: [2, 1] },
      }),
    code: 'NON_FINITE',
    argument: 'y.data',
    received: 'Infinity at flat index 1',
  },
  {
    name: 'one target per sequence missing',
    call: () => model().trainStep({ x: x(), y: y(3) }),
    code: 'SHAPE_MISMATCH',
    argument: 'y.shape',
    received: '[3]',
  },
  {
    name: 'class index out of range',
    call: () => model().trainStep({ x: x(), y: { data: [0, 2], shape: [2] } }),
    code: 'INVALID_ARGUMENT',
    argument: 'labels[1]',
    received: '2',
  },
  {
    name: 'length 0 in a padded batch',
    call: () => model().trainStep({ x: x(), y: y(), lengths: [5, 0] }),
    code: 'INVALID_ARGUMENT',
    argument: 'lengths[1]',
    received: '0',
  },
  {
    name: 'length beyond the time steps',
    call: () => model().predict(x(), { lengths: [6, 5] }),
    code: 'INVALID_ARGUMENT',
    argument: 'lengths[0]',
    received: '6',
  },
  {
    name: 'carrying state into a different batch size',
    call: () => {
      const m = model();
      m.predict(x(2));
      return m.predict(x(3), { carryState: true });
    },
    code: 'SHAPE_MISMATCH',
    argument: 'x.shape[0]',
    received: '3',
  },
  {
    name: 'truncateAt 0',
    call: () => model().trainStep({ x: x(), y: y() }, { truncateAt: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'truncateAt',
    received: '0',
  },
  {
    name: 'token id outside the vocabulary',
    call: () => tokens().predict({ data: [1, 2, 5], shape: [1, 3] }),
    code: 'INVALID_ARGUMENT',
    argument: 'indices[2]',
    received: '5',
  },
  {
    name: 'fractional batch size',
    call: () => model().fit({ x: x(), y: y() }, { batchSize: 2.5 }),
    code: 'INVALID_ARGUMENT',
    argument: 'batchSize',
    received: '2.5',
  },
  {
    name: 'zero epochs',
    call: () => model().fit({ x: x(), y: y() }, { epochs: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'epochs',
    received: '0',
  },
  { name: 'negative learning rate', call: () => adam({ lr: -1 }), code: 'INVALID_ARGUMENT', argument: 'adam.lr', received: '-1' },
  { name: 'clipNorm 0', call: () => sgd({ lr: 0.1, clipNorm: 0 }), code: 'INVALID_ARGUMENT', argument: 'sgd.clipNorm', received: '0' },
  {
    name: 'momentum 1.5',
    call: () => sgd({ lr: 0.1, momentum: 1.5 }),
    code: 'INVALID_ARGUMENT',
    argument: 'sgd.momentum',
    received: '1.5',
  },
  {
    name: 'schedule of 0 steps',
    call: () => cosineDecay({ totalSteps: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'cosineDecay.totalSteps',
    received: '0',
  },
  { name: 'negative warm-up', call: () => warmup({ steps: -1 }), code: 'INVALID_ARGUMENT', argument: 'warmup.steps', received: '-1' },
  {
    name: 'negative class weight',
    call: () => softmaxCrossEntropy({ classWeights: [1, -1] }),
    code: 'INVALID_ARGUMENT',
    argument: 'softmaxCrossEntropy.classWeights',
    received: '[1, -1]',
  },
  { name: 'Huber delta 0', call: () => huber({ delta: 0 }), code: 'INVALID_ARGUMENT', argument: 'huber.delta', received: '0' },
  {
    name: 'negative clipping norm',
    call: () => clipGradNorm(backend, [], -1),
    code: 'INVALID_ARGUMENT',
    argument: 'maxNorm',
    received: '-1',
  },
  {
    name: 'CTC blank outside the classes',
    call: () => ctcLoss({ blank: -1 }),
    code: 'INVALID_ARGUMENT',
    argument: 'ctcLoss.blank',
    received: '-1',
  },
  {
    name: 'unknown weight name',
    call: () => model().setWeights({ '9.kernel': [1] }),
    code: 'INVALID_ARGUMENT',
    argument: 'weights["9.kernel"]',
    received: '"9.kernel"',
  },
  {
    name: 'weights of the wrong size',
    call: () => model().setWeights({ '1.bias': [1, 2, 3] }),
    code: 'SHAPE_MISMATCH',
    argument: 'weights["1.bias"]',
    received: '3 values',
  },
  {
    name: 'a model used after dispose',
    call: () => {
      const m = model();
      m.dispose();
      return m.predict(x());
    },
    code: 'INVALID_ARGUMENT',
    argument: 'model',
    received: 'a disposed model',
  },
  {
    name: 'a tensor used after release',
    call: () => {
      const t = backend.tensor([2]);
      backend.release(t);
      return backend.read(t);
    },
    code: 'RELEASED_TENSOR',
    argument: 't',
    received: 'one that was already released',
  },
  {
    name: 'random bytes as a model file',
    call: () => loadModelBytes(backend, new Uint8Array(64).fill(7)),
    code: 'CORRUPT_MODEL',
    argument: 'file.magic',
    received: '"\\u0007',
  },
  {
    name: 'a bad random-stream state',
    call: () => new Rng(1).setState([1, 2, 3]),
    code: 'INVALID_ARGUMENT',
    argument: 'rng state',
    received: '[1, 2, 3]',
  },
];

describe('@rnn/core bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
