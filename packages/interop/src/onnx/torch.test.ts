// PyTorch state_dict → rnn (modelFromTorch) → ONNX → onnxruntime, against the PyTorch equations in float64.
// The state dicts are rounded to float32 first, so the comparison measures only float32 arithmetic.
import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { modelFromTorch } from '../torch/build.js';
import {
  addRandomModule,
  randomTorchRnn,
  type StateDict,
  type TorchMode,
  torchEmbedding,
  torchLinear,
  torchRnn,
} from '../torch/reference.test-helpers.js';
import { exportOnnx } from './export.js';
import { maxAbsDiff, runOnnx } from './ort.test-helpers.js';

const [B, T, V, E, H, O] = [3, 6, 10, 4, 5, 3];
const LENGTHS = [6, 3, 1];

function toFloat32(sd: StateDict): StateDict {
  return new Map([...sd].map(([k, v]) => [k, { ...v, dtype: 'F32' as const, data: Float32Array.from(v.data as Float64Array) }]));
}

describe('ONNX from a PyTorch state_dict agrees with the PyTorch equations (float64)', () => {
  for (const mode of ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'] as TorchMode[])
    for (const returnSequences of [false, true])
      it(`nn.Embedding → 2-layer bidirectional nn.${mode.split('_')[0]}${mode === 'RNN_RELU' ? ' (relu)' : ''} → nn.Linear, ${returnSequences ? 'every step' : 'h_n'}, padded batch`, async () => {
        const rng = new Rng(11);
        const raw = randomTorchRnn(rng, 'rnn', { mode, inputSize: E, hiddenSize: H, numLayers: 2, bidirectional: true });
        addRandomModule(rng, raw, 'embed', [V, E], false);
        addRandomModule(rng, raw, 'fc', [O, 2 * H], true);
        const sd = toFloat32(raw);
        const ids = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * V));

        // PyTorch: packed sequences; a classifier reads cat(h_n[-2], h_n[-1]), a tagger every step of output
        const ref = torchRnn(sd, 'rnn', mode, torchEmbedding(sd, 'embed', ids), [B, T, E], LENGTHS);
        let features: Float64Array;
        if (returnSequences) features = ref.output;
        else {
          features = new Float64Array(B * 2 * H);
          for (let b = 0; b < B; b++)
            for (let d = 0; d < 2; d++) features.set(ref.hN.subarray(((2 + d) * B + b) * H, ((2 + d) * B + b + 1) * H), (b * 2 + d) * H);
        }
        // padded steps of `output` are zero (pad_packed_sequence), so the head gives its bias there, as rnn does
        const expected = torchLinear(sd, 'fc', features, returnSequences ? B * T : B);

        const model = modelFromTorch(jsBackend(), sd, {
          embedding: 'embed',
          rnn: { module: 'rnn', returnSequences, ...(mode === 'RNN_RELU' ? { nonlinearity: 'relu' } : {}) },
          head: 'fc',
        });
        const got = await runOnnx(exportOnnx(model, { sequenceLengths: true }), { x: { data: ids, shape: [B, T] }, lengths: LENGTHS });
        expect(got.dims).toEqual(returnSequences ? [B, T, O] : [B, O]);
        expect(maxAbsDiff(got.data, expected)).toBeLessThan(1e-5);
        model.dispose();
      });
});
