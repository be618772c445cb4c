// Trains the same seeded LSTM with 1 and with 2 threads (the losses must be identical, bit for bit), and with the
// relaxed-SIMD threads build that 'auto' picks in Chromium.
import { wasmBackend } from '@rnn/backend-wasm';
import { adam, dense, lstm, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';

async function losses(
  threads: number,
  relaxedSimd: boolean | 'auto' = false,
): Promise<{ name: string; losses: number[]; liveTensors: number }> {
  const backend = wasmBackend({ threads, relaxedSimd });
  await backend.ready();
  const rng = new Rng(1);
  // big enough that the input projection and weight-gradient GEMMs are split across the threads
  const [B, T, I, H] = [32, 20, 32, 128];
  const x = Float32Array.from({ length: B * T * I }, () => rng.uniform(-1, 1));
  const y = Int32Array.from({ length: B }, (_, b) => Number(x[b * T * I]! > 0));
  const model = new Sequential(backend, {
    layers: [recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }) }), dense({ inputSize: H, outputSize: 2 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.002 }),
    seed: 2,
  });
  const batch = { x: { data: x, shape: [B, T, I] }, y: { data: y, shape: [B] } };
  const out = Array.from({ length: 8 }, () => model.trainStep(batch).loss);
  model.dispose();
  const result = { name: backend.name, losses: out, liveTensors: backend.stats().tensors };
  backend.dispose();
  return result;
}

try {
  const one = await losses(1);
  const two = await losses(2);
  const auto = await losses(2, 'auto'); // Chromium has relaxed SIMD: the relaxed threads build
  self.postMessage({ one, two, auto });
} catch (e) {
  self.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
}
