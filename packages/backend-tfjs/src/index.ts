export { type Tf, type TfjsBackendOptions, tfjsBackend } from './backend.js';
