// The layer specs the walk collected as a core Sequential: rnn layer definitions plus their weights by
// parameter name, set once so a file whose weights do not fit the layers fails before the model is returned.
import { adam, type Backend, bidirectional, dense, embedding, type LayerDef, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import type { OnnxImportOptions } from './import.js';
import type { Direction, LayerSpec } from './import-values.js';

export function build(backend: Backend, specs: readonly LayerSpec[], options: OnnxImportOptions): Sequential {
  const layers: LayerDef[] = [];
  const weights: Record<string, Float64Array> = {};
  specs.forEach((s, i) => {
    if (s.kind === 'embedding') {
      layers.push(embedding({ vocabSize: s.vocabSize, embeddingSize: s.embeddingSize }));
      weights[`${i}.embeddings`] = s.table;
    } else if (s.kind === 'dense') {
      layers.push(dense({ inputSize: s.inputSize, outputSize: s.outputSize, activation: s.activation, useBias: s.bias !== null }));
      weights[`${i}.kernel`] = s.kernel;
      if (s.bias) weights[`${i}.bias`] = s.bias;
    } else {
      const dirs = s.node.directions;
      const put = (prefix: string, d: Direction) => {
        weights[`${prefix}.kernel`] = d.kernel;
        weights[`${prefix}.recurrentKernel`] = d.recurrentKernel;
        weights[`${prefix}.bias`] = d.bias;
        if (d.recurrentBias) weights[`${prefix}.recurrentBias`] = d.recurrentBias;
      };
      if (dirs.length === 1) {
        layers.push(recurrent({ cell: dirs[0]!.cell, returnSequences: s.returnSequences, reverse: s.node.reverse }));
        put(`${i}`, dirs[0]!);
      } else {
        layers.push(
          bidirectional({ cell: dirs[0]!.cell, backwardCell: dirs[1]!.cell, mergeMode: s.mergeMode, returnSequences: s.returnSequences }),
        );
        put(`${i}.forward`, dirs[0]!);
        put(`${i}.backward`, dirs[1]!);
      }
    }
  });
  const model = new Sequential(backend, {
    layers,
    loss: options.loss ?? softmaxCrossEntropy(),
    optimizer: options.optimizer ?? adam(),
    seed: options.seed ?? 0,
  });
  try {
    model.setWeights(weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
