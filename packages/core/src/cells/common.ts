// Option handling shared by the built-in cells.

import { checkActivation } from '../backend/checks.js';
import type { Activation } from '../backend/contract.js';
import { checkPositiveInt, InvalidArgumentError } from '../errors.js';
import { glorotUniform, type Initializer, orthogonal, zeros } from '../init/initializers.js';
import type { ParamSpec } from './cell.js';

export interface BaseCellOptions {
  inputSize: number;
  hiddenSize: number;
  /** Default: glorotUniform (Keras). */
  kernelInitializer?: Initializer;
  /** Default: orthogonal (Keras). */
  recurrentInitializer?: Initializer;
  /** Default: zeros (LSTM: forget gate 1). */
  biasInitializer?: Initializer;
}

export function checkSizes(kind: string, o: BaseCellOptions | undefined): { inputSize: number; hiddenSize: number } {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError(`${kind}(options)`, 'an options object', o);
  return {
    inputSize: checkPositiveInt(`${kind}.inputSize`, o.inputSize),
    hiddenSize: checkPositiveInt(`${kind}.hiddenSize`, o.hiddenSize),
  };
}

export function activationOption(argument: string, value: unknown, fallback: Activation, allowed?: readonly Activation[]): Activation {
  if (value === undefined) return fallback;
  const a = checkActivation(argument, value);
  if (allowed && !allowed.includes(a)) throw new InvalidArgumentError(argument, `one of ${allowed.map((x) => `"${x}"`).join(', ')}`, value);
  return a;
}

/** The canonical kernel / recurrentKernel / bias triple for a cell with `gates` column blocks. */
export function standardParams(o: BaseCellOptions, gates: number, defaultBias: Initializer = zeros()): ParamSpec[] {
  const g = gates * o.hiddenSize;
  return [
    { name: 'kernel', shape: [o.inputSize, g], init: o.kernelInitializer ?? glorotUniform() },
    { name: 'recurrentKernel', shape: [o.hiddenSize, g], init: o.recurrentInitializer ?? orthogonal() },
    { name: 'bias', shape: [g], init: o.biasInitializer ?? defaultBias },
  ];
}

/** Every hidden-size tensor of a step is [B, H]. */
export const hiddenShapes = (names: readonly string[], batch: number, hidden: number): Record<string, number[]> =>
  Object.fromEntries(names.map((n) => [n, [batch, hidden]]));
