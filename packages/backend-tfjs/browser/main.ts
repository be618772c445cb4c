// Browser check for @rnn/backend-tfjs: a few training steps of an LSTM classifier on tfjs-backend-webgl
// (software GL in headless Chromium); falls back to wasm only if webgl cannot initialise, recording why.
import { tfjsBackend } from '@rnn/backend-tfjs';
import { adam, dense, lstm, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import '@tensorflow/tfjs-backend-webgl';
import * as tf from '@tensorflow/tfjs-core';

declare global {
  interface Window {
    result?: { backend: string; webglError: string | null; losses: number[]; growth: number; leftAfterDispose: number } | { error: string };
  }
}

async function main(): Promise<void> {
  let webglError: string | null = null;
  if (!(await tf.setBackend('webgl'))) webglError = 'tf.setBackend("webgl") returned false';
  if (webglError) {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths({
      'tfjs-backend-wasm.wasm': (await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url')).default,
      'tfjs-backend-wasm-simd.wasm': (await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url')).default,
      'tfjs-backend-wasm-threaded-simd.wasm': (await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'))
        .default,
    });
    await tf.setBackend('wasm');
  }
  const backend = tfjsBackend({ tf });
  await backend.ready();
  const rng = new Rng(1);
  const [B, T] = [16, 12];
  const x = Float32Array.from({ length: B * T * 3 }, () => rng.uniform(-1, 1));
  const y = Int32Array.from({ length: B }, (_, b) => Number(x[b * T * 3]! > 0)); // class = sign of the first input
  const start = tf.memory().numTensors;
  const model = new Sequential(backend, {
    layers: [recurrent({ cell: lstm({ inputSize: 3, hiddenSize: 16 }) }), dense({ inputSize: 16, outputSize: 2 })],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: 0.03 }),
    seed: 2,
  });
  const batch = { x: { data: x, shape: [B, T, 3] }, y: { data: y, shape: [B] } };
  const losses = [model.trainStep(batch).loss];
  const steady = tf.memory().numTensors; // after the first step has allocated the workspaces
  for (let i = 0; i < 14; i++) losses.push(model.trainStep(batch).loss);
  const growth = tf.memory().numTensors - steady;
  model.dispose();
  window.result = { backend: tf.getBackend(), webglError, losses, growth, leftAfterDispose: tf.memory().numTensors - start };
  document.getElementById('log')!.textContent = JSON.stringify(window.result, null, 2);
}

main().catch((e: unknown) => {
  window.result = { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
