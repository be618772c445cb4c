// ONNX export: an rnn Sequential as an .onnx ModelProto (the file helper is in ./node.ts); ONNX import: an .onnx
// graph that is a chain of supported layers as an rnn Sequential.
export { exportOnnx, ONNX_IR_VERSION, type OnnxExportOptions } from './export.js';
export { type ImportedOnnxModel, importOnnx, type OnnxImportOptions, type OnnxModelInput } from './import.js';
