// @rnn/core/node: model files on disk. Saves are atomic (write a temporary file, flush, rename), so a crash
// mid-save never leaves a half-written model where a good one was.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Backend } from './backend/contract.js';
import { type LoadOptions, loadModelBytes, saveModelBytes } from './io/model-file.js';
import type { Sequential } from './train/model.js';

export function saveModel(model: Sequential, path: string): void {
  const bytes = saveModelBytes(model);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function loadModel(backend: Backend, path: string, options: LoadOptions = {}): Sequential {
  return loadModelBytes(backend, new Uint8Array(readFileSync(path)), options);
}
