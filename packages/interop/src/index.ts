// @rnn/interop: move models between rnn and the other frameworks.
export * from './keras/index.js';
export * from './onnx/index.js';
export * from './torch/index.js';
