// Node file helpers for safetensors (the lead re-exports them from @rnn/interop/node; the main entry stays
// free of node:fs so it runs in browsers).
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@rnn/core/node';
import { readSafetensors, type Safetensors, type TensorInput, writeSafetensors } from './safetensors.js';

/** Writes tensors to a .safetensors file atomically (write-then-rename). */
export function saveSafetensorsFile(
  path: string,
  tensors: ReadonlyMap<string, TensorInput> | Readonly<Record<string, TensorInput>>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  writeFileAtomic(path, writeSafetensors(tensors, metadata));
}

/** Reads and validates a .safetensors file. */
export function readSafetensorsFile(path: string): Safetensors {
  return readSafetensors(new Uint8Array(readFileSync(path)));
}
