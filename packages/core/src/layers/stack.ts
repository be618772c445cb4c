// Stacked recurrent layers: numLayers of them, each reading the previous one's full output sequence,
// with dropout between them (PyTorch's num_layers + dropout; Keras's stacked return_sequences layers).
import type { Cell } from '../cells/cell.js';
import { checkPositiveInt } from '../errors.js';
import { bidirectional, type MergeMode } from './bidirectional.js';
import { checkRate, dropout } from './dropout.js';
import type { LayerDef } from './layer.js';
import { type RecurrentOptions, recurrent } from './recurrent.js';

export interface StackOptions extends Omit<RecurrentOptions, 'cell' | 'returnSequences' | 'reverse'> {
  /** Builds layer k's cell from its input size, e.g. (inputSize) => lstm({ inputSize, hiddenSize: 64 }). */
  cell: (inputSize: number, layer: number) => Cell;
  inputSize: number;
  numLayers: number;
  /** Dropout on the outputs of every layer but the last. Default 0. */
  dropoutBetween?: number;
  /** Make every layer bidirectional with this merge mode. */
  bidirectional?: MergeMode;
  /** Of the last layer (the others always return sequences). Default false. */
  returnSequences?: boolean;
}

export function stackedRecurrent(options: StackOptions): LayerDef[] {
  const { cell, inputSize, numLayers, dropoutBetween, bidirectional: merge, returnSequences, ...rest } = options;
  checkPositiveInt('stackedRecurrent.numLayers', numLayers);
  checkPositiveInt('stackedRecurrent.inputSize', inputSize);
  const between = checkRate('stackedRecurrent.dropoutBetween', dropoutBetween);
  const defs: LayerDef[] = [];
  let size = inputSize;
  for (let k = 0; k < numLayers; k++) {
    const c = cell(size, k);
    const last = k === numLayers - 1;
    const o = { ...rest, cell: c, returnSequences: last ? (returnSequences ?? false) : true };
    defs.push(merge ? bidirectional({ ...o, mergeMode: merge }) : recurrent(o));
    if (!last && between > 0) defs.push(dropout({ rate: between }));
    size = merge === 'concat' ? 2 * c.hiddenSize : c.hiddenSize;
  }
  return defs;
}
