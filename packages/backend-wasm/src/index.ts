export { type WasmBackendOptions, wasmBackend } from './backend.js';
export { WasmOutOfMemoryError } from './heap.js';
export { relaxedSimdSupported, threadsSupported } from './module.js';
