// The backends a job can run on. Shared by the page (switcher) and the worker (loader); no backend code here,
// so the page never downloads a backend it does not use.

export const BACKEND_CHOICES = ['js', 'wasm', 'wasm-threads', 'tfjs-webgl', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export const BACKEND_LABELS: Readonly<Record<BackendChoice, string>> = {
  js: 'js',
  wasm: 'wasm (SIMD)',
  'wasm-threads': 'wasm (SIMD, threads)',
  'tfjs-webgl': 'tfjs · webgl',
  'tfjs-wasm': 'tfjs · wasm',
  'tfjs-cpu': 'tfjs · cpu',
};

export const isBackendChoice = (value: unknown): value is BackendChoice => BACKEND_CHOICES.includes(value as BackendChoice);

/** Threads for "wasm-threads": the machine's cores, at least 2 (a pool of one is no pool) and at most 4. */
export const wasmThreadCount = (hardwareConcurrency: number | undefined): number => Math.max(2, Math.min(4, hardwareConcurrency || 2));

/** What the choice means on this page, shown under the switcher. */
export function backendNote(choice: BackendChoice, isolated: boolean, cores: number | undefined): string {
  switch (choice) {
    case 'js':
      return 'Plain TypeScript kernels on typed arrays (float32), fused whole-sequence RNN/LSTM/GRU loops.';
    case 'wasm':
      return '@rnn/backend-wasm on one thread: SIMD kernels in WebAssembly (relaxed SIMD where the browser has it).';
    case 'wasm-threads':
      return isolated
        ? `@rnn/backend-wasm splitting its large GEMMs over ${wasmThreadCount(cores)} Web Workers on a shared memory (possible because this page is cross-origin isolated and training runs in a worker); results are bit-identical to one thread.`
        : 'Needs a cross-origin-isolated page (COOP/COEP headers, as pnpm start serves): without SharedArrayBuffer there are no WebAssembly threads.';
    case 'tfjs-webgl':
      return 'TensorFlow.js on WebGL, on an OffscreenCanvas inside the training worker; the first steps compile shaders.';
    case 'tfjs-wasm':
      return 'TensorFlow.js on its WebAssembly backend, single-threaded: its threaded build starts its workers from its own source text, which does not survive bundling.';
    case 'tfjs-cpu':
      return 'TensorFlow.js on its plain JavaScript backend.';
  }
}
