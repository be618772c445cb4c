// ONNX export: an rnn Sequential as an .onnx ModelProto (the file helper is in ./node.ts).
export { exportOnnx, ONNX_IR_VERSION, type OnnxExportOptions } from './export.js';
