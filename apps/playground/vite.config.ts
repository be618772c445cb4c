// The production build of the playground (also used by the end-to-end test): workspace packages are
// bundled from their TypeScript sources, the training worker is an ES module worker, every asset (the
// .wasm files included) is emitted next to the page, so the built app needs no network.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Cross-origin isolation for `vite` / `vite preview` too (pnpm start serves the build with the same headers).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    // tfjs is one large lazy chunk loaded only when a tfjs backend is chosen
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      onLog(level, log, handler) {
        // @rnn/backend-wasm imports node:fs / node:url / node:worker_threads lazily, on its Node-only paths
        // (reading its .wasm from disk, the thread pool); in the browser those paths never run
        if (/Module "node:[a-z_/]+" has been externalized for browser compatibility, imported by ".*backend-wasm/.test(log.message)) return;
        handler(level, log);
      },
    },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
});
