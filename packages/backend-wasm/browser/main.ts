// Browser check for @rnn/backend-wasm: the .wasm is emitted by Vite from the package's
// `new URL('../wasm/…', import.meta.url)`, fetched and instantiated; a GRU classifier trains a few steps.
import { wasmBackend } from '@rnn/backend-wasm';
import { adam, dense, gru, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';

async function main(): Promise<void> {
  const backend = wasmBackend();
  await backend.ready();
  const rng = new Rng(1);
  const [B, T] = [16, 12];
  const x = Float32Array.from({ length: B * T * 3 }, () => rng.uniform(-1, 1));
  const y = Int32Array.from({ length: B }, (_, b) => Number(x[b * T * 3]! > 0)); // class = sign of the first input
  const model = new Sequential(backend, {
    layers: [recurrent({ cell: gru({ inputSize: 3, hiddenSize: 16 }) }), dense({ inputSize: 16, outputSize: 2 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.03 }),
    seed: 2,
  });
  const batch = { x: { data: x, shape: [B, T, 3] }, y: { data: y, shape: [B] } };
  const losses = Array.from({ length: 15 }, () => model.trainStep(batch).loss);
  model.dispose();
  const result = {
    backend: backend.name,
    losses,
    liveTensors: backend.stats().tensors,
    crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
  };
  (window as unknown as { result: unknown }).result = result;
  document.getElementById('log')!.textContent = JSON.stringify(result, null, 2);
}

main().catch((e: unknown) => {
  (window as unknown as { result: unknown }).result = { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
