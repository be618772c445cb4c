// Built-in cells and a config-driven factory. A contributed cell is one folder exporting a factory;
// pass it to createCell through `extraCells` (no global registry).
import { InvalidArgumentError } from '../errors.js';
import type { Cell, CellConfig } from './cell.js';
import { gru } from './gru/index.js';
import { lstm } from './lstm/index.js';
import { simpleRnn } from './rnn/index.js';

export type CellFactory = (config: CellConfig) => Cell;

export const builtinCells: Readonly<Record<string, CellFactory>> = {
  rnn: (c) => simpleRnn(c as Parameters<typeof simpleRnn>[0]),
  lstm: (c) => lstm(c as Parameters<typeof lstm>[0]),
  gru: (c) => gru(c as Parameters<typeof gru>[0]),
};

/** Builds a cell from its config ({ kind: 'lstm', inputSize, hiddenSize, ... }). */
export function createCell(config: CellConfig, extraCells: Readonly<Record<string, CellFactory>> = {}): Cell {
  if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('config', 'a cell config object', config);
  const factory = extraCells[config.kind] ?? builtinCells[config.kind];
  if (!factory || !Object.hasOwn(extraCells[config.kind] ? extraCells : builtinCells, config.kind))
    throw new InvalidArgumentError(
      'config.kind',
      `a known cell kind (${[...Object.keys(builtinCells), ...Object.keys(extraCells)].map((k) => `"${k}"`).join(', ')})`,
      config.kind,
    );
  return factory(config);
}

export type { GruOptions } from './gru/index.js';
export type { LstmOptions } from './lstm/index.js';
export type { SimpleRnnOptions } from './rnn/index.js';
export { gru, lstm, simpleRnn };
