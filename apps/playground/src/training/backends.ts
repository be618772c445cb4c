// Worker side: the backend for a job, created on first use and kept for later jobs. The wasm and tfjs
// backends are imported only when chosen, so a page that trains on js never downloads them.
import { jsBackend } from '@rnn/backend-js';
import type { Backend } from '@rnn/core';
import { type BackendChoice, wasmThreadCount } from './backend-choice.js';

const loaded = new Map<BackendChoice, Promise<Backend>>();

export function loadBackend(choice: BackendChoice): Promise<Backend> {
  // tfjs backends share one tfjs engine: switching between them runs setBackend each time (see tfjs.ts)
  if (choice.startsWith('tfjs-')) return import('./tfjs.js').then((m) => m.tfjsOn(choice.slice(5) as 'webgl' | 'wasm' | 'cpu'));
  let b = loaded.get(choice);
  if (!b) {
    b = create(choice);
    b.catch(() => loaded.delete(choice)); // a failed load may be retried
    loaded.set(choice, b);
  }
  return b;
}

async function create(choice: BackendChoice): Promise<Backend> {
  if (choice === 'wasm' || choice === 'wasm-threads') {
    const { wasmBackend } = await import('@rnn/backend-wasm');
    // threads: a pool of Web Workers on a shared memory, allowed because this is a worker on an isolated page
    const backend = wasmBackend({ threads: choice === 'wasm' ? 1 : wasmThreadCount(navigator.hardwareConcurrency) });
    await backend.ready();
    return backend;
  }
  return jsBackend();
}
