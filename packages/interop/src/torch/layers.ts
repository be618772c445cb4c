// What the exporters need to know about a Sequential's layers, read once from the layers themselves
// (their configs and parameters), so the PyTorch mapping and the ONNX exporter agree on one description.
import {
  type Activation,
  type BidirectionalLayer,
  type Layer,
  type MergeMode,
  type Parameter,
  type RecurrentLayer,
  type Sequential,
  UnsupportedError,
} from '@rnn/core';

export type CellKind = 'rnn' | 'lstm' | 'gru';

export interface CellInfo {
  kind: CellKind;
  inputSize: number;
  hiddenSize: number;
  /** The candidate (LSTM: also the cell output) activation; the simple RNN's only one. */
  activation: Activation;
  /** Gate activation (LSTM, GRU). */
  recurrentActivation: Activation;
  /** GRU: reset after the recurrent matmul. */
  resetAfter: boolean;
}

/** One direction of a recurrent layer: its cell and its parameters by canonical name. */
export interface DirectionInfo {
  cell: CellInfo;
  params: { kernel: Parameter; recurrentKernel: Parameter; bias: Parameter; recurrentBias: Parameter | null };
}

export type LayerInfo =
  | { kind: 'embedding'; index: number; layer: Layer; vocabSize: number; embeddingSize: number; table: Parameter }
  | {
      kind: 'dense';
      index: number;
      layer: Layer;
      inputSize: number;
      outputSize: number;
      activation: Activation;
      kernel: Parameter;
      bias: Parameter | null;
    }
  | { kind: 'dropout'; index: number; layer: Layer }
  | {
      kind: 'recurrent';
      index: number;
      layer: Layer;
      /** One direction, or forward and backward for a bidirectional layer. */
      directions: DirectionInfo[];
      /** A single direction that reads each sequence backwards. */
      reverse: boolean;
      /** Bidirectional merge; null for one direction. */
      mergeMode: MergeMode | null;
      returnSequences: boolean;
      stateful: boolean;
    };

export type RecurrentInfo = Extract<LayerInfo, { kind: 'recurrent' }>;

/** Describes every layer of the model; a layer kind or cell that is not built into rnn is an UnsupportedError. */
export function describeLayers(model: Sequential): LayerInfo[] {
  return model.layers.map((layer, index) => describeLayer(layer, index));
}

function describeLayer(layer: Layer, index: number): LayerInfo {
  const config = layer.toConfig();
  const param = (suffix: string): Parameter | null => layer.params.find((p) => p.name.endsWith(`.${suffix}`)) ?? null;
  switch (layer.kind) {
    case 'embedding':
      return {
        kind: 'embedding',
        index,
        layer,
        vocabSize: config.vocabSize as number,
        embeddingSize: config.embeddingSize as number,
        table: param('embeddings')!,
      };
    case 'dense':
      return {
        kind: 'dense',
        index,
        layer,
        inputSize: config.inputSize as number,
        outputSize: config.outputSize as number,
        activation: config.activation as Activation,
        kernel: param('kernel')!,
        bias: param('bias'),
      };
    case 'dropout':
      return { kind: 'dropout', index, layer };
    case 'recurrent': {
      const r = layer as RecurrentLayer;
      return {
        kind: 'recurrent',
        index,
        layer,
        directions: [describeDirection(r, index)],
        reverse: config.reverse === true,
        mergeMode: null,
        returnSequences: config.returnSequences === true,
        stateful: config.stateful === true,
      };
    }
    case 'bidirectional': {
      const b = layer as BidirectionalLayer;
      const forward = describeDirection(b.forwardLayer, index);
      const backward = describeDirection(b.backwardLayer, index);
      const f = forward.cell;
      const k = backward.cell;
      if (f.kind !== k.kind || f.hiddenSize !== k.hiddenSize || f.inputSize !== k.inputSize || f.resetAfter !== k.resetAfter)
        throw new UnsupportedError(
          `layers[${index}].backwardCell`,
          `a backward cell of the forward cell's kind and sizes (${f.kind}, hiddenSize ${f.hiddenSize}${f.kind === 'gru' ? `, resetAfter ${f.resetAfter}` : ''})`,
          backward.cell.kind,
        );
      const fc = b.forwardLayer.toConfig();
      return {
        kind: 'recurrent',
        index,
        layer,
        directions: [forward, backward],
        reverse: false,
        mergeMode: config.mergeMode as MergeMode,
        returnSequences: fc.returnSequences === true,
        stateful: fc.stateful === true,
      };
    }
    default:
      throw new UnsupportedError(`layers[${index}]`, 'an embedding, recurrent, bidirectional, dense or dropout layer', layer.kind);
  }
}

function describeDirection(layer: RecurrentLayer, index: number): DirectionInfo {
  const c = layer.cell;
  if (c.kind !== 'rnn' && c.kind !== 'lstm' && c.kind !== 'gru')
    throw new UnsupportedError(`layers[${index}].cell`, 'a built-in cell ("rnn", "lstm" or "gru")', c.kind);
  const config = c.toConfig();
  const byName = Object.fromEntries(c.params.map((p, i) => [p.name, layer.params[i]!]));
  return {
    cell: {
      kind: c.kind,
      inputSize: c.inputSize,
      hiddenSize: c.hiddenSize,
      activation: config.activation as Activation,
      recurrentActivation: (config.recurrentActivation as Activation | undefined) ?? 'sigmoid',
      resetAfter: config.resetAfter === true,
    },
    params: {
      kernel: byName.kernel!,
      recurrentKernel: byName.recurrentKernel!,
      bias: byName.bias!,
      recurrentBias: byName.recurrentBias ?? null,
    },
  };
}
