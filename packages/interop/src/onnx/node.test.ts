import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsBackend } from '@rnn/backend-js';
import { gru, meanSquaredError, recurrent, Sequential, sgd } from '@rnn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { exportOnnxFile, importOnnxFile } from './node.js';
import { maxAbsDiff, runOnnx } from './ort.test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rnn-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exportOnnxFile / importOnnxFile', () => {
  it('writes the same bytes as exportOnnx, onnxruntime loads the file, importOnnxFile reads it back', async () => {
    const model = new Sequential(jsBackend(), {
      layers: [recurrent({ cell: gru({ inputSize: 2, hiddenSize: 3 }) })],
      loss: meanSquaredError(),
      optimizer: sgd(),
      seed: 3,
    });
    const path = join(dir, 'model.onnx');
    exportOnnxFile(model, path, { opset: 18 });
    const bytes = new Uint8Array(readFileSync(path));
    expect(bytes).toEqual(exportOnnx(model, { opset: 18 }));
    const x = { data: Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6]), shape: [1, 3, 2] };
    expect(maxAbsDiff((await runOnnx(bytes, { x })).data, model.predict(x).data)).toBeLessThan(1e-5);
    const { model: imported } = importOnnxFile(jsBackend(), path);
    expect(imported.predict(x).data).toEqual(model.predict(x).data);
    imported.dispose();
    model.dispose();
  });
});
