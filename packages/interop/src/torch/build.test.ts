import { jsBackend } from '@rnn/backend-js';
import { InvalidArgumentError, Rng, ShapeError, UnsupportedError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { modelFromTorch, type TorchArchitecture, torchLayers } from './build.js';
import { addRandomModule, randomTorchRnn, type StateDict, torchEmbedding, torchLinear, torchRnn } from './reference.test-helpers.js';

const f64 = jsBackend({ dtype: 'float64' });

/** cat(h_n[-2], h_n[-1]) (or h_n[-1]) of the last layer: [B, D·H]. */
function lastState(hN: Float64Array, L: number, D: number, B: number, H: number): Float64Array {
  const out = new Float64Array(B * D * H);
  for (let b = 0; b < B; b++)
    for (let d = 0; d < D; d++) out.set(hN.subarray((((L - 1) * D + d) * B + b) * H, (((L - 1) * D + d) * B + b + 1) * H), (b * D + d) * H);
  return out;
}

describe('modelFromTorch infers the architecture from the tensors', () => {
  it('embedding → 2-layer bidirectional LSTM → linear → relu → linear (a PyTorch classifier on h_n)', () => {
    const rng = new Rng(5);
    const [B, T, V, E, H] = [3, 6, 12, 4, 5];
    const sd = randomTorchRnn(rng, 'encoder.lstm', { mode: 'LSTM', inputSize: E, hiddenSize: H, numLayers: 2, bidirectional: true });
    addRandomModule(rng, sd, 'encoder.embed', [V, E], false);
    addRandomModule(rng, sd, 'head.0', [7, 2 * H], true);
    addRandomModule(rng, sd, 'head.2', [3, 7], true);
    const model = modelFromTorch(f64, sd, {
      embedding: 'encoder.embed',
      rnn: 'encoder.lstm',
      head: [{ module: 'head.0', activation: 'relu' }, 'head.2'],
    });
    expect(model.layers.map((l) => l.kind)).toEqual(['embedding', 'bidirectional', 'bidirectional', 'dense', 'dense']);
    const ids = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * V));
    const lengths = [6, 2, 4];
    const { hN } = torchRnn(sd, 'encoder.lstm', 'LSTM', torchEmbedding(sd, 'encoder.embed', ids), [B, T, E], lengths);
    const hidden = torchLinear(sd, 'head.0', lastState(hN, 2, 2, B, H), B).map((v) => Math.max(0, v));
    const expected = torchLinear(sd, 'head.2', hidden, B);
    const y = model.predict({ data: ids, shape: [B, T] }, { lengths });
    expect(y.shape).toEqual([B, 3]);
    expect(Math.max(...y.data.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-12);
    model.dispose();
  });

  it('reads the cell kind from the gate count and checks a given kind', () => {
    for (const [mode, kind] of [
      ['LSTM', 'lstm'],
      ['GRU', 'gru'],
      ['RNN_TANH', 'rnn'],
    ] as const) {
      const sd = randomTorchRnn(new Rng(1), 'm', { mode, inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false });
      const { layers } = torchLayers(sd, { rnn: { module: 'm', kind } });
      expect(layers).toHaveLength(1);
      expect((layers[0] as unknown as { cell: { kind: string } }).cell.kind).toBe(kind);
      expect(() => torchLayers(sd, { rnn: { module: 'm', kind: kind === 'lstm' ? 'gru' : 'lstm' } })).toThrow(
        /architecture\.rnn\.kind: expected "/,
      );
    }
  });

  it('stacked layers get dropout between them; the last layer merges as asked; bias=False and bias-free heads load', () => {
    const rng = new Rng(2);
    const sd = randomTorchRnn(rng, 'gru', { mode: 'GRU', inputSize: 3, hiddenSize: 2, numLayers: 3, bidirectional: true, bias: false });
    addRandomModule(rng, sd, 'fc', [4, 2], false);
    const model = modelFromTorch(jsBackend(), sd, {
      rnn: { module: 'gru', dropout: 0.25, mergeMode: 'sum', returnSequences: true },
      head: 'fc',
    });
    expect(model.layers.map((l) => l.kind)).toEqual(['bidirectional', 'dropout', 'bidirectional', 'dropout', 'bidirectional', 'dense']);
    expect(model.layerConfigs()[4]!.mergeMode).toBe('sum');
    expect(model.layerConfigs()[5]).toMatchObject({ inputSize: 2, outputSize: 4, useBias: false });
    expect(model.predict({ data: new Float32Array(2 * 3 * 3), shape: [2, 3, 3] }).shape).toEqual([2, 3, 4]);
    model.dispose();
  });
});

describe('modelFromTorch errors', () => {
  const base = (): StateDict => {
    const rng = new Rng(3);
    const sd = randomTorchRnn(rng, 'rnn', { mode: 'LSTM', inputSize: 4, hiddenSize: 3, numLayers: 1, bidirectional: false });
    addRandomModule(rng, sd, 'emb', [10, 4], false);
    addRandomModule(rng, sd, 'fc', [2, 3], true);
    return sd;
  };
  const arch: TorchArchitecture = { embedding: 'emb', rnn: 'rnn', head: 'fc' };

  it('names the tensor whose shape does not fit', () => {
    const sd = base();
    sd.set('fc.weight', { dtype: 'F64', shape: [2, 5], data: new Float64Array(10) });
    expect(() => modelFromTorch(f64, sd, arch)).toThrow(ShapeError);
    expect(() => modelFromTorch(f64, sd, arch)).toThrow(/stateDict\["fc\.weight"\]: expected \[out, 3\]/);
    const e = base();
    e.set('emb.weight', { dtype: 'F64', shape: [10, 5], data: new Float64Array(50) });
    expect(() => modelFromTorch(f64, e, arch)).toThrow(
      /stateDict\["emb\.weight"\]: expected \[10, 4\] \(the RNN's input size\), received \[10, 5\]/,
    );
    const g = base();
    g.set('rnn.weight_hh_l0', { dtype: 'F64', shape: [6, 3], data: new Float64Array(18) });
    expect(() => modelFromTorch(f64, g, arch)).toThrow(
      /stateDict\["rnn\.weight_hh_l0"\]: expected \[G·H, H\] with G = 4 \(LSTM\), 3 \(GRU\) or 1 \(RNN\)/,
    );
  });

  it('missing modules, projections, bad options, extra tensors', () => {
    expect(() => modelFromTorch(f64, base(), { rnn: 'lstm' })).toThrow(/stateDict\["lstm\.weight_hh_l0"\]: expected a tensor/);
    expect(() => modelFromTorch(f64, base(), { ...arch, head: 'out' })).toThrow(InvalidArgumentError);
    const p = base();
    p.set('rnn.weight_hr_l0', { dtype: 'F64', shape: [2, 3], data: new Float64Array(6) });
    expect(() => modelFromTorch(f64, p, arch)).toThrow(UnsupportedError);
    expect(() => modelFromTorch(f64, base(), { ...arch, rnn: { module: 'rnn', nonlinearity: 'relu' } })).toThrow(
      /architecture\.rnn\.nonlinearity/,
    );
    expect(() => modelFromTorch(f64, base(), { ...arch, rnn: { module: 'rnn', mergeMode: 'max' as never } })).toThrow(
      /architecture\.rnn\.mergeMode/,
    );
    expect(() => modelFromTorch(f64, base(), { ...arch, rnn: { module: 'rnn', dropout: 1 } })).toThrow(/architecture\.rnn\.dropout/);
    expect(() => modelFromTorch(f64, base(), null as never)).toThrow(/architecture: expected an object/);
    // fc is unused without a head: strict loading refuses, strict: false ignores it
    expect(() => modelFromTorch(f64, base(), { embedding: 'emb', rnn: 'rnn' })).toThrow(
      /stateDict: expected only tensors of the mapped modules/,
    );
    modelFromTorch(f64, base(), { embedding: 'emb', rnn: 'rnn' }, { strict: false }).dispose();
  });
});
