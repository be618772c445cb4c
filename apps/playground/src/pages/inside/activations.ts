// What the "Inside the network" page draws, as plain data: which quantities a recurrent layer offers
// (hidden state, LSTM cell state, each gate), their per-token values for one unit or all units, the colour of
// a value, and the units that vary most over the text (the ones worth looking at first).
import type { LayerActivations } from '@rnn/nlp';
import { divergingColor, sequentialColor } from '../../ui/colors.js';

/** 'hidden', 'cell', or 'gate:<name>' (LSTM i, f, g, o; GRU z, r, n). */
export type Quantity = string;

export function quantitiesOf(layer: LayerActivations): Quantity[] {
  return ['hidden', ...(layer.cell ? ['cell'] : []), ...Object.keys(layer.gates).map((g) => `gate:${g}`)];
}

export function quantityLabel(q: Quantity): string {
  if (q === 'hidden') return 'hidden state h';
  if (q === 'cell') return 'cell state c';
  return `gate ${q.slice(5)}`;
}

/** Per token, the values of every unit of that quantity. */
export function valuesOf(layer: LayerActivations, q: Quantity): Float32Array[] {
  const values = q === 'hidden' ? layer.hidden : q === 'cell' ? layer.cell : layer.gates[q.slice(5)];
  if (!values) throw new Error(`no ${q} in a ${layer.kind} layer`);
  return values;
}

/**
 * How values of a quantity are coloured. Gates are sigmoids (the LSTM's candidate g and the GRU's n are tanh,
 * and the hidden state is in (−1, 1)): those have fixed scales. The cell state is unbounded: it saturates
 * at the largest |c| in the text, so the colours use the whole scale.
 */
export function colorScale(q: Quantity, values: readonly Float32Array[]): (value: number) => string {
  if (q === 'gate:g' || q === 'gate:n' || q === 'hidden') return (v) => divergingColor(v, 1);
  if (q.startsWith('gate:')) return sequentialColor;
  let limit = 0;
  for (const row of values) for (const v of row) if (Number.isFinite(v)) limit = Math.max(limit, Math.abs(v));
  return (v) => divergingColor(v, limit || 1);
}

/** Unit indices by decreasing standard deviation over the tokens (ties: lower index first). */
export function unitsByVariation(values: readonly Float32Array[]): number[] {
  const H = values[0]?.length ?? 0;
  const T = values.length;
  const spread = Array.from({ length: H }, (_, u) => {
    let mean = 0;
    for (const row of values) mean += row[u]! / T;
    let sq = 0;
    for (const row of values) sq += (row[u]! - mean) ** 2;
    return Math.sqrt(sq / T);
  });
  return spread
    .map((s, u) => ({ s, u }))
    .sort((a, b) => b.s - a.s || a.u - b.u)
    .map((x) => x.u);
}

/** How a token shows in the coloured text: visible stand-ins for white space that would have no width. */
export function displayToken(token: string): string {
  if (token === '\n') return '↵';
  if (token === '\t') return '→';
  return token;
}
