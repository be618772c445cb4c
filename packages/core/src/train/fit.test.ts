import { describe, expect, it } from 'vitest';
import { gru } from '../cells/index.js';
import { dense } from '../layers/dense.js';
import { recurrent } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { softmaxCrossEntropy } from './losses.js';
import { Sequential } from './model.js';
import { adam } from './optimizers.js';

// Sequence classification: is the sum of the sequence positive? (N samples of T steps)
function dataset(n: number, seed: number) {
  const rng = new Rng(seed);
  const T = 6;
  const x = Float64Array.from({ length: n * T }, () => rng.uniform(-1, 1));
  const y = Int32Array.from({ length: n }, (_, i) => Number(x.slice(i * T, i * T + T).reduce((a, b) => a + b) > 0));
  return { x: { data: x, shape: [n, T, 1] }, y: { data: y, shape: [n] } };
}

const makeModel = (seed = 1) =>
  new Sequential(referenceBackend(), {
    layers: [recurrent({ cell: gru({ inputSize: 1, hiddenSize: 6 }) }), dense({ inputSize: 6, outputSize: 2 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.03 }),
    seed,
  });

describe('fit', () => {
  it('learns a sequence classification task, with validation metrics and training accuracy', async () => {
    const m = makeModel();
    const epochsSeen: number[] = [];
    const h = await m.fit(dataset(200, 1), {
      epochs: 12,
      batchSize: 20,
      validationSplit: 0.25,
      metrics: ['accuracy'],
      onEpochEnd: (log) => void epochsSeen.push(log.epoch),
    });
    expect(h.stopped).toBe('completed');
    expect(epochsSeen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const last = h.epochs.at(-1)!;
    expect(last.loss).toBeLessThan(h.epochs[0]!.loss);
    expect(last.valAccuracy!).toBeGreaterThan(0.85);
    expect(last.accuracy!).toBeGreaterThan(0.85);
    expect(m.evaluate(dataset(100, 2)).accuracy!).toBeGreaterThan(0.85);
    m.dispose();
  });

  it('is reproducible: same seed, same shuffles, same history', async () => {
    const run = async () => {
      const m = makeModel(3);
      const h = await m.fit(dataset(60, 4), { epochs: 3, batchSize: 16 });
      m.dispose();
      return h.epochs.map((e) => e.loss);
    };
    expect(await run()).toEqual(await run());
  });

  it('stops early when validation loss stops improving, restoring the best weights', async () => {
    const m = new Sequential(referenceBackend(), {
      layers: [recurrent({ cell: gru({ inputSize: 1, hiddenSize: 6 }) }), dense({ inputSize: 6, outputSize: 2 })],
      loss: softmaxCrossEntropy(),
      optimizer: adam({ lr: 0.5 }), // too large: validation loss will wander
      seed: 2,
    });
    const h = await m.fit(dataset(80, 5), {
      epochs: 40,
      batchSize: 8,
      validationData: dataset(40, 6),
      earlyStopping: { patience: 2, restoreBest: true },
    });
    expect(h.stopped).toBe('earlyStopping');
    expect(h.epochs.length).toBeLessThan(40);
    const best = Math.min(...h.epochs.map((e) => e.valLoss!));
    expect(m.evaluate(dataset(40, 6)).loss).toBeCloseTo(best, 10);
    m.dispose();
  });

  it('stops on an AbortSignal or stopTraining(), and keeps the event loop responsive', async () => {
    const m = makeModel();
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const h = await m.fit(dataset(100, 1), {
      epochs: 50,
      batchSize: 10,
      signal: controller.signal,
      onBatchEnd: (log) => {
        if (log.epoch === 1 && log.batch === 3) controller.abort();
      },
    });
    clearInterval(timer);
    expect(h.stopped).toBe('aborted');
    expect(h.epochs).toHaveLength(1);
    expect(ticks).toBeGreaterThan(0);
    const p = m.fit(dataset(100, 1), { epochs: 50, batchSize: 10, onBatchEnd: () => m.stopTraining() });
    expect((await p).stopped).toBe('stopTraining');
    m.dispose();
  });

  it('rejects bad options and data', async () => {
    const m = makeModel();
    const d = dataset(10, 1);
    await expect(m.fit(d, { epochs: 0 })).rejects.toThrow(/epochs: expected a positive integer, received 0/);
    await expect(m.fit(d, { validationSplit: 1 })).rejects.toThrow(/validationSplit: expected a number in \[0, 1\), received 1/);
    await expect(m.fit(d, { validationSplit: 0.2, validationData: d })).rejects.toThrow(/either validationSplit or validationData/);
    await expect(m.fit({ x: d.x, y: { data: [1, 0], shape: [2] } })).rejects.toThrow(
      /data.y.shape\[0\]: expected 10 samples \(as x\), received \[2\]/,
    );
    await expect(m.fit(d, { earlyStopping: { patience: 1, monitor: 'valLoss' } })).rejects.toThrow(
      /earlyStopping.monitor: expected validation data/,
    );
    await expect(m.fit(d, { metrics: ['f1' as never] })).rejects.toThrow(/metrics: expected "accuracy", received "f1"/);
    m.dispose();
  });
});
