// rnn layers -> Keras layer configs and their weights (the inverse of read-layers.ts). Two dialects:
// 'tfjs' is what tfjs-layers 4.x loads (GRU only reset-before, hard_sigmoid = clip(0.2x + 0.5)); 'keras3' follows
// Keras 3 (GRU reset_after with a [2, 3H] bias, hard_sigmoid = relu6(x + 3) / 6, the cell in weight names).
import { type Activation, type CellConfig, InvalidArgumentError, raw, UnsupportedError } from '@rnn/core';
import type { Json } from './format.js';

export type LayersModelTarget = 'tfjs' | 'keras3';

/** A tensor to store: its Keras name and the rnn parameters concatenated into it (row blocks, in order). */
export interface WeightSource {
  name: string;
  shape: number[];
  params: string[];
}

export interface WrittenLayer {
  className: string;
  config: Json;
  weights: WeightSource[];
}

/** Keras class and default layer name per rnn cell kind (Keras 3 names the cell `<name>_cell`). */
const CELL_CLASS: Readonly<Record<string, { className: string; base: string }>> = {
  rnn: { className: 'SimpleRNN', base: 'simple_rnn' },
  lstm: { className: 'LSTM', base: 'lstm' },
  gru: { className: 'GRU', base: 'gru' },
};
const layerName = (cell: unknown, i: number): string => `${CELL_CLASS[(cell as CellConfig).kind]?.base ?? 'rnn'}_${i}`;
const MERGE: Readonly<Record<string, string>> = { concat: 'concat', sum: 'sum', mul: 'mul', average: 'ave' };

/** rnn activation -> Keras name in the target dialect. */
function activationName(a: unknown, argument: string, target: LayersModelTarget): string {
  if (a === 'tanh' || a === 'sigmoid' || a === 'relu' || a === 'linear') return a;
  if (a === 'hardSigmoid' && target === 'tfjs') return 'hard_sigmoid';
  if (a === 'hardSigmoid6' && target === 'keras3') return 'hard_sigmoid';
  if (a === 'hardSigmoid' || a === 'hardSigmoid6')
    throw new UnsupportedError(
      argument,
      target === 'tfjs'
        ? '"hardSigmoid" for a TF.js target (TF.js hard_sigmoid is clip(0.2x + 0.5); "hardSigmoid6" needs target "keras3")'
        : '"hardSigmoid6" for a Keras 3 target (Keras 3 hard_sigmoid is relu6(x + 3) / 6; "hardSigmoid" needs target "tfjs")',
      a,
    );
  throw new UnsupportedError(argument, 'an activation Keras has', a);
}

/** The Keras config of one direction of a recurrent layer, and its weights. */
function recurrentLayer(
  c: Json,
  name: string,
  weightPrefix: string,
  param: string,
  at: string,
  target: LayersModelTarget,
  goBackwards: boolean,
): WrittenLayer {
  const cell = c.cell as CellConfig;
  const kind = CELL_CLASS[cell.kind];
  if (!kind) throw new UnsupportedError(`${at}.cell.kind`, '"rnn", "lstm" or "gru" (built-in cells)', cell.kind);
  const H = cell.hiddenSize;
  const config: Json = {
    name,
    trainable: true,
    units: H,
    activation: activationName(cell.activation, `${at}.cell.activation`, target),
    use_bias: true,
    dropout: c.dropout,
    recurrent_dropout: c.recurrentDropout,
    return_sequences: c.returnSequences,
    return_state: false,
    go_backwards: goBackwards,
    stateful: false,
    unroll: false,
  };
  if (cell.kind !== 'rnn') config.recurrent_activation = activationName(cell.recurrentActivation, `${at}.cell.recurrentActivation`, target);
  const resetAfter = cell.kind === 'gru' && cell.resetAfter === true;
  if (cell.kind === 'gru') {
    if (resetAfter && target === 'tfjs')
      throw new UnsupportedError(
        `${at}.cell.resetAfter`,
        'false for a TF.js target (tfjs-layers GRU has no reset_after; export with target "keras3")',
        true,
      );
    config.reset_after = resetAfter;
  }
  const G = cell.kind === 'lstm' ? 4 : cell.kind === 'gru' ? 3 : 1;
  const w = target === 'keras3' ? `${weightPrefix}/${kind.base}_cell` : weightPrefix;
  return {
    className: kind.className,
    config,
    weights: [
      { name: `${w}/kernel`, shape: [cell.inputSize, G * H], params: [`${param}.kernel`] },
      { name: `${w}/recurrent_kernel`, shape: [H, G * H], params: [`${param}.recurrentKernel`] },
      resetAfter
        ? { name: `${w}/bias`, shape: [2, G * H], params: [`${param}.bias`, `${param}.recurrentBias`] }
        : { name: `${w}/bias`, shape: [G * H], params: [`${param}.bias`] },
    ],
  };
}

export interface WriteOptions {
  target: LayersModelTarget;
  maskZero: boolean;
  /** This layer is the last and gets a softmax. */
  softmax: boolean;
}

/** One rnn layer (by its toConfig()) at index i -> a Keras layer. */
export function writeLayer(c: Json, i: number, o: WriteOptions): WrittenLayer {
  const at = `model.layers[${i}]`;
  const p = String(i);
  switch (c.kind) {
    case 'recurrent': {
      if (c.stateful) throw new UnsupportedError(`${at}.stateful`, 'false (export a non-stateful copy)', true);
      if (c.reverse && c.returnSequences)
        throw new UnsupportedError(
          `${at}.reverse`,
          'false when returnSequences is true (Keras go_backwards returns the outputs in reversed order)',
          true,
        );
      const name = layerName(c.cell, i);
      return recurrentLayer(c, name, name, p, at, o.target, c.reverse === true);
    }
    case 'bidirectional': {
      const mode = MERGE[c.mergeMode as string];
      if (!mode) throw new UnsupportedError(`${at}.mergeMode`, '"concat", "sum", "mul" or "average" (one merged output)', c.mergeMode);
      const f = c.forward as Json;
      const b = c.backward as Json;
      const inner = layerName(f.cell, i);
      const name = `bidirectional_${i}`;
      const fwd = recurrentLayer(
        f,
        o.target === 'keras3' ? `forward_${inner}` : inner,
        `${name}/forward_${inner}`,
        `${p}.forward`,
        `${at}.forward`,
        o.target,
        false,
      );
      const bwd = recurrentLayer(b, `backward_${inner}`, `${name}/backward_${inner}`, `${p}.backward`, `${at}.backward`, o.target, true);
      const config: Json = { name, trainable: true, merge_mode: mode, layer: { class_name: fwd.className, config: fwd.config } };
      if (o.target === 'keras3') config.backward_layer = { class_name: bwd.className, config: bwd.config };
      else if (JSON.stringify(f.cell) !== JSON.stringify(b.cell))
        throw new UnsupportedError(
          `${at}.backward.cell`,
          "the forward cell's config (TF.js builds the backward layer from the forward one)",
          b.cell,
        );
      return { className: 'Bidirectional', config, weights: [...fwd.weights, ...bwd.weights] };
    }
    case 'dense': {
      const name = `dense_${i}`;
      const activation = o.softmax ? 'softmax' : activationName(c.activation as Activation, `${at}.activation`, o.target);
      const weights: WeightSource[] = [
        { name: `${name}/kernel`, shape: [c.inputSize as number, c.outputSize as number], params: [`${p}.kernel`] },
      ];
      if (c.useBias) weights.push({ name: `${name}/bias`, shape: [c.outputSize as number], params: [`${p}.bias`] });
      return { className: 'Dense', config: { name, trainable: true, units: c.outputSize, activation, use_bias: c.useBias }, weights };
    }
    case 'embedding': {
      const name = `embedding_${i}`;
      const config = {
        name,
        trainable: true,
        input_dim: c.vocabSize,
        output_dim: c.embeddingSize,
        mask_zero: o.maskZero && c.paddingIndex === 0,
      };
      return {
        className: 'Embedding',
        config,
        weights: [{ name: `${name}/embeddings`, shape: [c.vocabSize as number, c.embeddingSize as number], params: [`${p}.embeddings`] }],
      };
    }
    case 'dropout':
      return { className: 'Dropout', config: { name: `dropout_${i}`, trainable: true, rate: c.rate }, weights: [] };
    default:
      throw new UnsupportedError(`${at}.kind`, '"recurrent", "bidirectional", "dense", "embedding" or "dropout"', c.kind);
  }
}

/** The Keras input shape of an rnn model: token ids [batch, time], sequences [batch, time, features] or [batch, features]. */
export function inputShape(configs: readonly Json[]): (number | null)[] {
  const sequenceLater = (k: number) => configs.slice(k).some((c) => c.kind === 'recurrent' || c.kind === 'bidirectional');
  for (const [k, c] of configs.entries()) {
    if (c.kind === 'embedding') return [null, null];
    if (c.kind === 'recurrent') return [null, null, (c.cell as CellConfig).inputSize];
    if (c.kind === 'bidirectional') return [null, null, ((c.forward as Json).cell as CellConfig).inputSize];
    if (c.kind === 'dense') return sequenceLater(k) ? [null, null, c.inputSize as number] : [null, c.inputSize as number];
  }
  throw new InvalidArgumentError(
    'model',
    'a layer with a known input size (recurrent, bidirectional, dense or embedding)',
    raw('only dropout layers'),
  );
}
