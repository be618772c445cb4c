// TensorFlow.js for the tfjs backends, bundled with the app (no CDN): cpu, webgl (on an OffscreenCanvas in
// this worker) and wasm, whose .wasm files Vite emits from the `?url` imports below.
//
// tfjs-backend-wasm runs single-threaded here even on a cross-origin-isolated page: its threaded build starts
// its pthread workers from the source text of its factory function (Function.prototype.toString), which does
// not survive bundling (each thread dies with "ReferenceError: e is not defined").
import { tfjsBackend } from '@rnn/backend-tfjs';
import { type Backend, raw, UnsupportedError } from '@rnn/core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';

// setWasmPaths wants all three files, though the threaded one is never fetched with threads off
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

let backend: Backend | null = null;

/**
 * The rnn tfjs backend computing on tfjs's `name` backend. tfjs only reports a failed initialisation on the
 * console, so its messages are captured and become the error the page shows.
 */
export async function tfjsOn(name: 'webgl' | 'wasm' | 'cpu'): Promise<Backend> {
  const messages: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    messages.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    warn.apply(console, args);
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    messages.push(e instanceof Error ? e.message : String(e));
    ok = false;
  } finally {
    console.warn = warn;
  }
  if (!ok)
    throw new UnsupportedError(
      'backend',
      `a tfjs "${name}" backend that initialises here`,
      raw(messages.join(' — ') || 'setBackend returned false'),
    );
  if (!backend) {
    backend = tfjsBackend({ tf });
    await backend.ready();
  }
  return backend;
}
