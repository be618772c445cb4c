// Rebuilds a layer from its toConfig() output (model files).
import { type CellFactory, createCell } from '../cells/index.js';
import { InvalidArgumentError } from '../errors.js';
import { bidirectional, type MergeMode } from './bidirectional.js';
import { type DenseOptions, dense } from './dense.js';
import { dropout } from './dropout.js';
import { type EmbeddingOptions, embedding } from './embedding.js';
import type { LayerDef } from './layer.js';
import { recurrent } from './recurrent.js';

type Config = Record<string, unknown>;

/** Rebuilds a contributed layer kind (one a package defines) from its toConfig() output. */
export type LayerFactory = (config: Config) => LayerDef;

function recurrentFromConfig(c: Config, extraCells: Readonly<Record<string, CellFactory>>) {
  return {
    cell: createCell(c.cell as never, extraCells),
    returnSequences: c.returnSequences as boolean,
    stateful: c.stateful as boolean,
    dropout: c.dropout as number,
    recurrentDropout: c.recurrentDropout as number,
    recordGradNorms: c.recordGradNorms as boolean,
  };
}

export function layerFromConfig(
  c: Config,
  extraCells: Readonly<Record<string, CellFactory>> = {},
  extraLayers: Readonly<Record<string, LayerFactory>> = {},
): LayerDef {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError('layer config', 'an object', c);
  switch (c.kind) {
    case 'recurrent':
      return recurrent({ ...recurrentFromConfig(c, extraCells), reverse: c.reverse as boolean });
    case 'bidirectional': {
      const f = c.forward as Config;
      const b = c.backward as Config;
      if (typeof f !== 'object' || f === null || typeof b !== 'object' || b === null)
        throw new InvalidArgumentError('bidirectional config', 'forward and backward layer configs', c);
      const { cell, ...o } = recurrentFromConfig(f, extraCells);
      return bidirectional({ ...o, cell, backwardCell: createCell(b.cell as never, extraCells), mergeMode: c.mergeMode as MergeMode });
    }
    case 'dense':
      return dense(c as unknown as DenseOptions);
    case 'embedding':
      return embedding(c as unknown as EmbeddingOptions);
    case 'dropout':
      return dropout({ rate: c.rate as number });
    default:
      if (typeof c.kind === 'string' && Object.hasOwn(extraLayers, c.kind)) return extraLayers[c.kind]!(c);
      throw new InvalidArgumentError('layer.kind', 'one of "recurrent", "bidirectional", "dense", "embedding", "dropout"', c.kind);
  }
}
