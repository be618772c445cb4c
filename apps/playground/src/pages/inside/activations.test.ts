import { jsBackend } from '@rnn/backend-js';
import { CharTokenizer, type LayerActivations } from '@rnn/nlp';
import { describe, expect, it } from 'vitest';
import { sequentialColor } from '../../ui/colors.js';
import { buildLanguageModel } from '../text/lm.js';
import { colorScale, displayToken, quantitiesOf, quantityLabel, unitsByVariation, valuesOf } from './activations.js';

const rows = (...r: number[][]): Float32Array[] => r.map((x) => Float32Array.from(x));

describe('the quantities of a layer', () => {
  const tokenizer = CharTokenizer.train('abc abc');
  const layerOf = (cell: 'rnn' | 'lstm' | 'gru'): LayerActivations => {
    const lm = buildLanguageModel(jsBackend(), tokenizer, { cell, embeddingSize: 3, hiddenSize: 4, learningRate: 0.01, seed: 1 });
    try {
      return lm.inspect('abca').layers[0]!;
    } finally {
      lm.dispose();
    }
  };

  it('offers the hidden state, the LSTM cell state and each gate, with one row of hiddenSize values per token', () => {
    expect(quantitiesOf(layerOf('lstm'))).toEqual(['hidden', 'cell', 'gate:i', 'gate:f', 'gate:g', 'gate:o']);
    expect(quantitiesOf(layerOf('gru'))).toEqual(['hidden', 'gate:z', 'gate:r', 'gate:n']);
    expect(quantitiesOf(layerOf('rnn'))).toEqual(['hidden']);
    const lstm = layerOf('lstm');
    for (const q of quantitiesOf(lstm)) {
      const v = valuesOf(lstm, q);
      expect(v).toHaveLength(4);
      for (const row of v) expect(row).toHaveLength(4);
    }
    for (const row of valuesOf(lstm, 'gate:f')) for (const x of row) expect(x > 0 && x < 1).toBe(true); // sigmoids
    expect(() => valuesOf(layerOf('rnn'), 'cell')).toThrow(/no cell in a rnn layer/);
    expect(quantityLabel('gate:f')).toBe('gate f');
    expect(quantityLabel('cell')).toBe('cell state c');
  });
});

describe('colours', () => {
  it('uses a fixed diverging scale for tanh values and a white-to-green one for sigmoid gates', () => {
    const hidden = colorScale('hidden', []);
    expect(hidden(1)).toBe('rgb(214, 39, 40)');
    expect(hidden(-1)).toBe('rgb(31, 119, 180)');
    expect(hidden(0)).toBe('rgb(255, 255, 255)');
    expect(colorScale('gate:g', [])(-1)).toBe('rgb(31, 119, 180)');
    const gate = colorScale('gate:f', []);
    expect(gate(0)).toBe('rgb(255, 255, 255)');
    expect(gate(1)).toBe('rgb(0, 109, 44)');
    expect(gate(0.5)).toBe('rgb(128, 182, 150)'); // halfway: 255 + (full − 255) / 2, rounded
    expect(sequentialColor(Number.NaN)).toBe('rgb(160, 160, 160)');
  });

  it('scales the cell state to the largest |c| in the text', () => {
    const scale = colorScale('cell', rows([0.5, -4], [2, 1]));
    expect(scale(-4)).toBe('rgb(31, 119, 180)');
    expect(scale(2)).toBe(colorScale('hidden', [])(0.5)); // 2 of 4 is half saturated, like 0.5 of 1
    expect(colorScale('cell', rows([0, 0]))(0)).toBe('rgb(255, 255, 255)'); // all zero: no division by zero
  });
});

describe('unitsByVariation', () => {
  it('ranks units by their standard deviation over the tokens', () => {
    // unit 0 constant, unit 1 swings ±1, unit 2 swings ±0.5, unit 3 constant
    expect(unitsByVariation(rows([1, -1, 0.5, 3], [1, 1, -0.5, 3], [1, -1, 0.5, 3]))).toEqual([1, 2, 0, 3]);
    expect(unitsByVariation([])).toEqual([]);
  });

  it('shows line breaks and tabs as visible characters', () => {
    expect(displayToken('\n')).toBe('↵');
    expect(displayToken('\t')).toBe('→');
    expect(displayToken('a')).toBe('a');
  });
});
