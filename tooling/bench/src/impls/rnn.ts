// Our backends, through the public @rnn/core API exactly as users call it.
import { jsBackend } from '@rnn/backend-js';
import { wasmBackend } from '@rnn/backend-wasm';
import {
  adam,
  type Backend,
  type Batch,
  dense,
  embedding,
  gru,
  lstm,
  meanSquaredError,
  recurrent,
  Sequential,
  softmaxCrossEntropy,
} from '@rnn/core';
import { regressionData, tokenData, type Workload } from '../workloads.js';
import type { Case, Implementation } from './types.js';

export function rnnImplementation(name: string, makeBackend: () => Backend | Promise<Backend>, version: string): Implementation {
  return {
    name,
    version,
    unsupported: () => null,
    async setup(w: Workload): Promise<Case> {
      const backend = await makeBackend();
      await backend.ready();
      if (w.kind === 'regression') {
        const cell =
          w.cell === 'lstm' ? lstm({ inputSize: w.I, hiddenSize: w.H }) : gru({ inputSize: w.I, hiddenSize: w.H, resetAfter: false });
        const model = new Sequential(backend, {
          layers: [recurrent({ cell }), dense({ inputSize: w.H, outputSize: w.I })],
          loss: meanSquaredError(),
          optimizer: adam({ lr: 1e-3 }),
          seed: 1,
        });
        const { x, y } = regressionData(w);
        const batch: Batch = { x: { data: x, shape: [w.B, w.T, w.I] }, y: { data: y, shape: [w.B, w.I] } };
        return {
          forward: () => void model.predict(batch.x),
          train: () => model.trainStep(batch).loss,
          dispose: () => {
            model.dispose();
            backend.dispose();
          },
        };
      }
      const model = new Sequential(backend, {
        layers: [
          embedding({ vocabSize: w.V, embeddingSize: w.I }),
          recurrent({ cell: lstm({ inputSize: w.I, hiddenSize: w.H }), returnSequences: w.kind === 'charlm' }),
          dense({ inputSize: w.H, outputSize: w.V }),
        ],
        loss: softmaxCrossEntropy(),
        optimizer: adam({ lr: 1e-3 }),
        seed: 1,
      });
      if (w.kind === 'generate') {
        let token = 0;
        let first = true;
        return {
          forward: () => {
            const logits = model.predict({ data: [token], shape: [1, 1] }, { carryState: !first }).data;
            first = false;
            token = logits.indexOf(Math.max(...logits)); // greedy next token
          },
          dispose: () => {
            model.dispose();
            backend.dispose();
          },
        };
      }
      const { x, y } = tokenData(w);
      const batch: Batch = { x: { data: x, shape: [w.B, w.T] }, y: { data: y, shape: [w.B, w.T] } };
      return {
        forward: () => void model.predict(batch.x),
        train: () => model.trainStep(batch).loss,
        dispose: () => {
          model.dispose();
          backend.dispose(); // stops worker threads of a threaded backend
        },
      };
    },
  };
}

export const rnnJs = rnnImplementation('rnn-js', () => jsBackend(), 'backend-js');
// 'auto' picks relaxed SIMD (fused multiply-add) where the engine has it: Chrome 114+, Node 22+, and Node 20
// under the --experimental-wasm-relaxed-simd flag that pnpm bench passes. rnn-wasm-simd times the plain-SIMD
// fallback build for engines without it.
export const rnnWasm = rnnImplementation('rnn-wasm', () => wasmBackend(), 'backend-wasm (relaxed SIMD where available)');
export const rnnWasmSimd = rnnImplementation('rnn-wasm-simd', () => wasmBackend({ relaxedSimd: false }), 'backend-wasm (plain SIMD build)');
export const rnnWasm2 = rnnImplementation(
  'rnn-wasm-2threads',
  () => wasmBackend({ threads: 2 }),
  'backend-wasm 2 threads (relaxed SIMD where available)',
);
