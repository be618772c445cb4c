// A model's summary (Keras' model.summary()): one row per layer with what it is, its output shape for a given
// input shape, and its parameter count; printable as a table.
import type { Layer } from '../layers/layer.js';

type Config = Record<string, unknown>;

export interface LayerSummary {
  index: number;
  /** The layer's kind: "recurrent", "bidirectional", "dense", or a contributed kind. */
  kind: string;
  /** For people: "LSTM 4 → 32, last step", "dense 32 → 3 (softmax logits)", "embedding 100 tokens → 16". */
  description: string;
  /** The layer's output shape for the summary's input shape (batch and time included); null without one. */
  outputShape: number[] | null;
  parameters: number;
}

export interface ModelSummary {
  layers: LayerSummary[];
  /** All weights of the model. */
  parameters: number;
  /** A fixed-width table, one line per layer and a total. */
  toString(): string;
}

const CELLS: Readonly<Record<string, string>> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };

function cellName(cell: Config): string {
  const name = CELLS[String(cell.kind)] ?? String(cell.kind);
  if (cell.kind === 'gru') return cell.resetAfter === false ? 'GRU (reset-before)' : 'GRU';
  if (cell.kind === 'rnn' && cell.activation !== 'tanh') return `RNN (${cell.activation})`;
  return name;
}

function describe(c: Config): string {
  switch (c.kind) {
    case 'embedding':
      return `embedding ${c.vocabSize} tokens → ${c.embeddingSize}`;
    case 'dense':
      return `dense ${c.inputSize} → ${c.outputSize}${c.activation && c.activation !== 'linear' ? ` (${c.activation})` : ''}`;
    case 'dropout':
      return `dropout ${c.rate}`;
    case 'recurrent': {
      const cell = c.cell as Config;
      const reverse = c.reverse ? ', reversed' : '';
      return `${cellName(cell)} ${cell.inputSize} → ${cell.hiddenSize}, ${c.returnSequences ? 'every step' : 'last step'}${reverse}`;
    }
    case 'bidirectional': {
      const fwd = c.forward as Config;
      const cell = fwd.cell as Config;
      const H = cell.hiddenSize as number;
      const out = c.mergeMode === 'concat' ? 2 * H : H;
      return `bidirectional ${cellName(cell)} ${cell.inputSize} → ${out} (${c.mergeMode}), ${fwd.returnSequences ? 'every step' : 'last step'}`;
    }
    default:
      return String(c.kind);
  }
}

export function summarize(layers: readonly Layer[], inputShape: readonly number[] | null): ModelSummary {
  let shape = inputShape ? [...inputShape] : null;
  const rows = layers.map((layer, index): LayerSummary => {
    shape = shape ? layer.outputShape(shape) : null;
    return {
      index,
      kind: layer.kind,
      description: describe(layer.toConfig()),
      outputShape: shape,
      parameters: layer.params.reduce((n, p) => n + p.value.size, 0),
    };
  });
  const parameters = rows.reduce((n, r) => n + r.parameters, 0);
  return {
    layers: rows,
    parameters,
    toString() {
      const cells = rows.map((r) => [
        String(r.index),
        r.description,
        r.outputShape ? `[${r.outputShape.join(', ')}]` : '',
        r.parameters.toLocaleString('en'),
      ]);
      const header = ['#', 'layer', inputShape ? 'output shape' : '', 'parameters'];
      const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
      const line = (c: string[]) =>
        c
          .map((v, i) => (i === c.length - 1 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd();
      return [line(header), ...cells.map(line), `total: ${parameters.toLocaleString('en')} parameters`].join('\n');
    },
  };
}
