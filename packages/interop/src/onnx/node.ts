// Node file helper for ONNX export (the lead re-exports it from @rnn/interop/node).

import type { Sequential } from '@rnn/core';
import { writeFileAtomic } from '@rnn/core/node';
import { exportOnnx, type OnnxExportOptions } from './export.js';

/** Writes the model as an .onnx file atomically (write-then-rename). */
export function exportOnnxFile(model: Sequential, path: string, options: OnnxExportOptions = {}): void {
  writeFileAtomic(path, exportOnnx(model, options));
}
