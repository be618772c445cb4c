import { describe, expect, it } from 'vitest';
import type { Cell } from '../cells/cell.js';
import { gru, lstm, simpleRnn } from '../cells/index.js';
import { BackendNotReadyError, InvalidArgumentError, NonFiniteError, ShapeError } from '../errors.js';
import { dense } from '../layers/dense.js';
import { type RecurrentLayer, recurrent } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { gradCheck } from '../testing/gradcheck.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { meanSquaredError, softmaxCrossEntropy } from './losses.js';
import { Sequential } from './model.js';
import { adam } from './optimizers.js';

const [B, T, I, H] = [3, 8, 2, 4];

/** Targets depend on the inputs (class = which third the running mean of x0 falls in), so they can be learned. */
function makeBatch(seed: number, classes = 0) {
  const rng = new Rng(seed);
  const x = Array.from({ length: B * T * I }, () => rng.uniform(-1, 1));
  const y = Array.from({ length: B * T }, (_, r) => {
    const v = (x[r * I]! + (r % T > 0 ? x[(r - 1) * I]! : 0)) / 2;
    return classes ? Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)) : v;
  });
  return { x: { data: x, shape: [B, T, I] }, y: { data: y, shape: classes ? [B, T] : [B, T, 1] } };
}

function tagger(b = referenceBackend(), cell: Cell = lstm({ inputSize: I, hiddenSize: H }), seed = 1) {
  return new Sequential(b, {
    layers: [recurrent({ cell, returnSequences: true, recordGradNorms: true }), dense({ inputSize: H, outputSize: 3 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.03 }),
    seed,
  });
}

describe('Sequential model and training step', () => {
  it('learns: the loss falls on a fixed batch, and the same seed gives the same losses', () => {
    const run = (seed: number) => {
      const m = tagger(referenceBackend(), lstm({ inputSize: I, hiddenSize: H }), seed);
      const batch = makeBatch(2, 3);
      const losses = Array.from({ length: 40 }, () => m.trainStep(batch).loss);
      m.dispose();
      return losses;
    };
    const a = run(1);
    expect(a[39]!).toBeLessThan(a[0]! * 0.7);
    expect(run(1)).toEqual(a);
    expect(run(2)).not.toEqual(a);
  });

  it('releases every tensor on dispose, and steady-state steps allocate nothing', () => {
    const b = referenceBackend();
    const m = tagger(b);
    const batch = makeBatch(2, 3);
    m.trainStep(batch);
    const live = b.stats().tensors;
    for (let i = 0; i < 5; i++) m.trainStep(batch);
    expect(b.stats().tensors).toBe(live);
    m.dispose();
    expect(b.stats().tensors).toBe(0);
    expect(() => m.trainStep(batch)).toThrow(/model: expected a model that has not been disposed/);
  });

  it('records per-timestep gradient norms of the hidden state', () => {
    const m = tagger();
    m.trainStep(makeBatch(3, 3));
    const norms = m.recurrentLayers[0]!.stepGradNorms!;
    expect(norms).toHaveLength(T);
    expect(norms.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    m.dispose();
  });

  it('truncated BPTT: chunk gradients equal finite differences with the carried state held fixed', () => {
    const b = referenceBackend();
    const m = new Sequential(b, {
      layers: [recurrent({ cell: gru({ inputSize: I, hiddenSize: H }), returnSequences: true }), dense({ inputSize: H, outputSize: 1 })],
      loss: meanSquaredError(),
      optimizer: adam(),
    });
    const full = makeBatch(4);
    const k = 3;
    const { sliceTime } = require_slice();
    const chunk1 = { x: sliceTime(full.x, 0, k), y: sliceTime(full.y, 0, k) };
    const chunk2 = { x: sliceTime(full.x, k, 2 * k), y: sliceTime(full.y, k, 2 * k) };
    const layer = m.recurrentLayers[0] as RecurrentLayer;
    m.predict(chunk1.x);
    const carried = layer.finalState.map((s) => b.tensor(s.shape, b.read(s)));
    const r = gradCheck(
      b,
      m.params.map((p) => ({ name: p.name, value: p.value, grad: () => p.grad })),
      (withGrad) => {
        layer.setInitialState(carried);
        return withGrad ? m.computeGradients(chunk2) : m.lossOn(chunk2);
      },
    );
    expect(r.maxRelError).toBeLessThan(1e-4);
    carried.forEach((t) => b.release(t));
    m.dispose();
  });

  it('truncated BPTT carries the state: chunked forward equals the full-sequence forward', () => {
    const b = referenceBackend();
    const m = tagger(b);
    const full = makeBatch(5, 3);
    const whole = m.predict(full.x).data;
    const { sliceTime } = require_slice();
    const first = m.predict(sliceTime(full.x, 0, 5)).data;
    const second = m.predict(sliceTime(full.x, 5, T), { carryState: true }).data;
    for (let bi = 0; bi < B; bi++)
      for (let t = 0; t < T; t++)
        for (let c = 0; c < 3; c++) {
          const got = t < 5 ? first[(bi * 5 + t) * 3 + c]! : second[(bi * 3 + t - 5) * 3 + c]!;
          expect(got).toBeCloseTo(whole[(bi * T + t) * 3 + c]!, 12);
        }
    // trainStep with truncateAt runs one update per chunk
    const r = m.trainStep(full, { truncateAt: 3 });
    expect(Number.isFinite(r.loss)).toBe(true);
    m.dispose();
  });

  it('a stateful layer streams: chunk by chunk equals the whole sequence, until resetStates', () => {
    const b = referenceBackend();
    const m = new Sequential(b, {
      layers: [recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true, stateful: true })],
      loss: meanSquaredError(),
      optimizer: adam(),
    });
    const full = makeBatch(6);
    const whole = m.predict(full.x).data;
    m.resetStates();
    const parts = [sliceTime(full.x, 0, 3), sliceTime(full.x, 3, 6), sliceTime(full.x, 6, T)].map((x) => m.predict(x).data);
    for (let bi = 0; bi < B; bi++)
      for (let t = 0; t < T; t++) {
        const [part, t0, len] = t < 3 ? [parts[0]!, 0, 3] : t < 6 ? [parts[1]!, 3, 3] : [parts[2]!, 6, T - 6];
        for (let j = 0; j < H; j++) expect(part[(bi * len + t - t0) * H + j]).toBeCloseTo(whole[(bi * T + t) * H + j]!, 12);
      }
    m.resetStates();
    expect(m.predict(full.x).data).toEqual(whole);
    m.dispose();
  });

  it('rejects bad input with typed errors that name the argument, expected and received', () => {
    const m = tagger();
    const good = makeBatch(1, 3);
    expect(() => m.trainStep({ ...good, x: { data: good.x.data, shape: [B, T * I] } })).toThrow(
      /x: expected rank 3 \[batch, time, features\], received \[3, 16\]/,
    );
    expect(() => m.trainStep({ ...good, x: { data: new Float32Array(B * T * 5), shape: [B, T, 5] } })).toThrow(
      /x.shape\[2\]: expected 2 features \(cell.inputSize\), received 5/,
    );
    const nan = [...good.x.data];
    nan[7] = Number.NaN;
    expect(() => m.trainStep({ ...good, x: { data: nan, shape: good.x.shape } })).toThrow(NonFiniteError);
    expect(() => m.trainStep({ ...good, x: { data: nan, shape: good.x.shape } })).toThrow(
      /x.data: expected finite numbers, received NaN at flat index 7/,
    );
    const inf = [...good.y.data];
    inf[0] = Number.POSITIVE_INFINITY;
    expect(() => m.trainStep({ ...good, y: { data: inf, shape: good.y.shape } })).toThrow(
      /y.data: expected finite numbers, received Infinity/,
    );
    expect(() => m.trainStep({ ...good, y: { data: good.y.data, shape: [B, T + 1] } })).toThrow(ShapeError);
    expect(() => m.trainStep({ ...good, y: { data: good.y.data.map(() => 7), shape: good.y.shape } })).toThrow(
      /labels\[0\]: expected a class index in \[0, 2\], received 7/,
    );
    expect(() => m.trainStep({ ...good, y: { data: good.y.data.map(() => 0.5), shape: good.y.shape } })).toThrow(
      /y.data\[0\]: expected an integer class index/,
    );
    expect(() => m.trainStep(good, { truncateAt: 0 })).toThrow(/truncateAt: expected a positive integer, received 0/);
    expect(() => m.trainStep({ ...good, x: { data: [1, 2], shape: [0, 1, 2] } })).toThrow(
      /x.shape: expected an array of positive integers/,
    );
    const layer = m.recurrentLayers[0]!;
    const b = m.backend;
    const wrongBatch = [b.tensor([B + 1, H]), b.tensor([B + 1, H])];
    layer.setInitialState(wrongBatch);
    expect(() => m.predict(good.x)).toThrow(/initialState\[0\]: expected shape \[3, 4\] \(batch, hiddenSize\), received \[4, 4\]/);
    expect(() => layer.setInitialState([wrongBatch[0]!])).toThrow(/initialState: expected 2 tensors \(h, c\)/);
    wrongBatch.forEach((t) => b.release(t));
    m.dispose();
  });

  it('rejects invalid hyperparameters and models', () => {
    const b = referenceBackend();
    expect(() => adam({ lr: -1 })).toThrow(/adam.lr: expected a finite number > 0, received -1/);
    expect(() => adam({ beta1: 1 })).toThrow(/adam.beta1: expected a number in \[0, 1\), received 1/);
    const layers = [recurrent({ cell: simpleRnn({ inputSize: 1, hiddenSize: 1 }) })];
    expect(() => adam({ clipNorm: 0 })).toThrow(/adam.clipNorm: expected a finite number > 0, received 0/);
    expect(() => new Sequential(b, { layers: [], loss: meanSquaredError(), optimizer: adam() })).toThrow(
      /layers: expected a non-empty array/,
    );
    expect(() => new Sequential({} as never, { layers, loss: meanSquaredError(), optimizer: adam() })).toThrow(
      /backend: expected an @rnn backend/,
    );
    expect(() => new Sequential({ ...b, isReady: false }, { layers, loss: meanSquaredError(), optimizer: adam() })).toThrow(
      BackendNotReadyError,
    );
    expect(() => recurrent({} as never)).toThrow(InvalidArgumentError);
    expect(() => dense({ inputSize: 3, outputSize: -2 })).toThrow(/dense.outputSize: expected a positive integer, received -2/);
  });

  it('getWeights / setWeights round-trip and check names and sizes', () => {
    const m = tagger(referenceBackend(), simpleRnn({ inputSize: I, hiddenSize: H }));
    const w = m.getWeights();
    expect(Object.keys(w)).toEqual(['0.kernel', '0.recurrentKernel', '0.bias', '1.kernel', '1.bias']);
    m.setWeights({ '1.bias': [1, 2, 3] });
    expect(Array.from(m.getWeights()['1.bias']!)).toEqual([1, 2, 3]);
    expect(() => m.setWeights({ '1.bias': [1, 2] })).toThrow(/weights\["1.bias"\]: expected 3 values \(shape \[3\]\), received 2 values/);
    expect(() => m.setWeights({ nope: [1] })).toThrow(/weights\["nope"\]/);
    m.dispose();
  });
});

import * as host from '../data/host.js';
import { sliceTime } from '../data/host.js';

function require_slice() {
  return host;
}
