import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptModelError } from '@rnn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsFile, saveSafetensorsFile } from './node.js';
import { writeSafetensors } from './safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'rnn-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safetensors files', () => {
  it('saves atomically and reads back', () => {
    const path = join(dir, 'model.safetensors');
    const tensors = { w: { dtype: 'F32' as const, shape: [2], data: [1, 2] } };
    saveSafetensorsFile(path, tensors, { format: 'pt' });
    expect(new Uint8Array(readFileSync(path))).toEqual(writeSafetensors(tensors, { format: 'pt' }));
    const file = readSafetensorsFile(path);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(Array.from(file.tensors.get('w')!.data as Float32Array)).toEqual([1, 2]);
  });

  it('a damaged file is a CorruptModelError', () => {
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, writeSafetensors({ w: { shape: [2], data: [1, 2] } }).subarray(0, 20));
    expect(() => readSafetensorsFile(path)).toThrow(CorruptModelError);
  });
});
