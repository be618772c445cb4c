// The worker side of the gradients page: an RNN, an LSTM and a GRU, each with and without gradient
// clipping, learn the same memory task from the same batches in lockstep. After every step each reports
// ||dL/dh_t|| for every t (the recurrent layer's recordGradNorms) so the page can redraw the curves.
import { adam, type Backend, dense, lstm, orthogonal, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import { makeCell } from '../../training/cells.js';
import { checkKnown, finiteParam, intParam, numberParam } from '../../training/params.js';
import type { SyncTaskRun, TaskDefinition } from '../../training/task.js';
import { MEMORY_FEATURES, memoryBatch } from './memory.js';
import { GRADIENT_SERIES, type GradientSeries, type GradientsPayload } from './series.js';

export interface GradientsConfig {
  /** Sequence length T. */
  length: number;
  hiddenSize: number;
  batchSize: number;
  /** Gain of the orthogonal recurrent-kernel initialiser: < 1 shrinks gradients through time, > 1 grows them. */
  gain: number;
  /**
   * Initial bias of the gate that carries the state on: the LSTM's forget gate b_f, the GRU's update gate b_z.
   * At 1 a step keeps σ(1) ≈ 73% of the state; at 3, 95%.
   */
  carryBias: number;
  clipNorm: number;
  lr: number;
  seed: number;
}

const KNOWN = ['length', 'hiddenSize', 'batchSize', 'gain', 'carryBias', 'clipNorm', 'lr', 'seed'];

export function gradientsConfig(params: Readonly<Record<string, unknown>>): GradientsConfig {
  checkKnown(params, KNOWN);
  return {
    length: intParam(params, 'length', 30, 2, 500),
    hiddenSize: intParam(params, 'hiddenSize', 16, 1, 256),
    batchSize: intParam(params, 'batchSize', 16, 1, 256),
    gain: numberParam(params, 'gain', 1, 0, 10),
    carryBias: finiteParam(params, 'carryBias', 1, -10, 10),
    clipNorm: numberParam(params, 'clipNorm', 1, 0, 1000),
    lr: numberParam(params, 'lr', 0.01, 0, 1),
    seed: intParam(params, 'seed', 1, 0, 2 ** 31 - 1),
  };
}

export function gradientModel(backend: Backend, series: GradientSeries, c: GradientsConfig): Sequential {
  const H = c.hiddenSize;
  const options = { inputSize: MEMORY_FEATURES, hiddenSize: H, recurrentInitializer: orthogonal(c.gain) };
  const cell = series.kind === 'lstm' ? lstm({ ...options, forgetBias: c.carryBias }) : makeCell(series.kind, options);
  const model = new Sequential(backend, {
    layers: [recurrent({ cell, recordGradNorms: true }), dense({ inputSize: H, outputSize: 2 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam(series.clipped ? { lr: c.lr, clipNorm: c.clipNorm } : { lr: c.lr }),
    seed: c.seed, // the same initial weights with and without clipping
  });
  // GRU biases start at zero; its carry gate is z (first of z, r, n), in the input bias
  if (series.kind === 'gru') model.setWeights({ '0.bias': new Float64Array(3 * H).fill(c.carryBias, 0, H) });
  return model;
}

export const gradientsTask: TaskDefinition<SyncTaskRun> = {
  name: 'gradients',
  create(backend, params) {
    const config = gradientsConfig(params);
    const models: Sequential[] = [];
    try {
      for (const s of GRADIENT_SERIES) models.push(gradientModel(backend, s, config));
    } catch (e) {
      for (const m of models) m.dispose();
      throw e;
    }
    const data = new Rng(config.seed + 1);
    return {
      info: { series: GRADIENT_SERIES.map((s) => s.id), config },
      step() {
        const batch = memoryBatch(data, config.batchSize, config.length);
        const payload: GradientsPayload = { norms: {}, gradNorm: {} };
        const loss: Record<string, number> = {};
        GRADIENT_SERIES.forEach((s, i) => {
          const model = models[i]!;
          const r = model.trainStep(batch);
          loss[s.id] = r.loss;
          payload.gradNorm[s.id] = r.gradNorm;
          payload.norms[s.id] = Float64Array.from(model.recurrentLayers[0]!.stepGradNorms ?? []);
        });
        return { loss, payload };
      },
      dispose() {
        for (const m of models) m.dispose();
      },
    };
  },
};
