// Browser check for backend-wasm threads: on a cross-origin-isolated page the backend runs in a module Worker
// with a pool of 2 Web Workers; the main thread itself must refuse threads (it cannot block).
import { wasmBackend } from '@rnn/backend-wasm';
import { RnnError } from '@rnn/core';

let mainThreadError = 'no error';
try {
  wasmBackend({ threads: 2 });
} catch (e) {
  mainThreadError = RnnError.isInstance(e) ? `${e.code}: ${e.message}` : String(e);
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent) => {
  const result = { ...e.data, mainThreadError, crossOriginIsolated: globalThis.crossOriginIsolated ?? false };
  (window as unknown as { result: unknown }).result = result;
  document.getElementById('log')!.textContent = JSON.stringify(result, null, 2);
};
worker.onerror = (e) => {
  (window as unknown as { result: unknown }).result = { error: `worker: ${e.message}` };
};
