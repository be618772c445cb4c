// @rnn/interop/node: file helpers (node:fs) for the formats of @rnn/interop; the main entry stays free of
// node:fs so it runs in browsers.
export { loadLayersModelFile, saveLayersModelFile } from './keras/node.js';
export * from './onnx/node.js';
export * from './torch/node.js';
