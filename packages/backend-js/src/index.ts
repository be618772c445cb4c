export { type JsBackendOptions, jsBackend } from './backend.js';
