// @rnn/core/node: model files on disk. Saves are atomic (write a temporary file beside the target, flush,
// rename over the target, flush the directory), so a crash mid-save never leaves a half-written model where a
// good one was: the target is always the old file or the new one.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Backend } from './backend/contract.js';
import { type LoadOptions, loadModelBytes, saveModelBytes } from './io/model-file.js';
import type { Sequential } from './train/model.js';

let counter = 0;

/** Writes `bytes` to `path` atomically (write-then-rename); every file-saving function of rnn goes through it. */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const tmp = `${path}.${process.pid}.${Date.now()}.${counter++}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirectory(dirname(path));
}

/** Makes the rename itself durable (power loss); not every platform can open a directory, which is fine. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function saveModel(model: Sequential, path: string): void {
  writeFileAtomic(path, saveModelBytes(model));
}

export function loadModel(backend: Backend, path: string, options: LoadOptions = {}): Sequential {
  return loadModelBytes(backend, new Uint8Array(readFileSync(path)), options);
}
