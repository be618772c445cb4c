// Node file helpers for ONNX export and import (re-exported from @rnn/interop/node).

import { readFileSync } from 'node:fs';
import type { Backend, Sequential } from '@rnn/core';
import { writeFileAtomic } from '@rnn/core/node';
import { exportOnnx, type OnnxExportOptions } from './export.js';
import { type ImportedOnnxModel, importOnnx, type OnnxImportOptions } from './import.js';

/** Writes the model as an .onnx file atomically (write-then-rename). */
export function exportOnnxFile(model: Sequential, path: string, options: OnnxExportOptions = {}): void {
  writeFileAtomic(path, exportOnnx(model, options));
}

/** Reads an .onnx file and imports it as importOnnx does. */
export function importOnnxFile(backend: Backend, path: string, options: OnnxImportOptions = {}): ImportedOnnxModel {
  return importOnnx(backend, new Uint8Array(readFileSync(path)), options);
}
