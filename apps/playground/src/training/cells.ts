// The three built-in cells by kind, as the pages offer them.
import { type BaseCellOptions, type Cell, gru, lstm, simpleRnn } from '@rnn/core';

export const CELL_KINDS = ['rnn', 'lstm', 'gru'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export const CELL_LABELS: Readonly<Record<CellKind, string>> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };

/** An Elman RNN (tanh), an LSTM (forget bias 1) or a GRU (reset after), with core's defaults. */
export function makeCell(kind: CellKind, options: BaseCellOptions): Cell {
  if (kind === 'lstm') return lstm(options);
  if (kind === 'gru') return gru(options);
  return simpleRnn(options);
}
