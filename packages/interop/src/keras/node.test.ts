// Files: an rnn model saved to a directory (model.json + shards) loads back with identical outputs, and TF.js
// reads the same files (through tf.io.fromMemory: file:// needs tfjs-node). Hostile manifests are rejected.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bidirectional, dense, lstm, meanSquaredError, Rng, RnnError, Sequential, sgd } from '@rnn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLayersModelFile, saveLayersModelFile } from '../node.js';
import type { LayersModelJson } from './index.js';
import { backends, loadTfjs, maxAbsDiff, predictTfjs, randomData, randomizeTfjs, saveTfjs, tf } from './tfjs.test-helpers.js';

const [B, T, F, H] = [2, 6, 3, 4];
const root = mkdtempSync(join(tmpdir(), 'rnn-keras-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const x = { data: randomData(new Rng(9), [B, T, F]), shape: [B, T, F] };

function model() {
  const m = new Sequential(backends[1]![1](), {
    layers: [
      bidirectional({ cell: lstm({ inputSize: F, hiddenSize: H }), mergeMode: 'concat' }),
      dense({ inputSize: 2 * H, outputSize: 2 }),
    ],
    loss: meanSquaredError(),
    optimizer: sgd(),
    seed: 3,
  });
  return m;
}

function expectCorrupt(fn: () => unknown, message: RegExp) {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(RnnError.isInstance(error) && error.code, String(error)).toBe('CORRUPT_MODEL');
  expect((error as Error).message).toMatch(message);
}

describe('saveLayersModelFile / loadLayersModelFile', () => {
  it('round-trips through a directory, in several shards, and TF.js reads the same files', async () => {
    const m = model();
    const dir = join(root, 'bilstm');
    const path = saveLayersModelFile(m, dir, { shardSizeBytes: 400 });
    expect(path).toBe(join(dir, 'model.json'));
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin', 'model.json']); // no temporary files left

    const { model: again } = loadLayersModelFile(backends[1]![1](), path);
    expect(again.predict(x).data).toEqual(m.predict(x).data);
    again.dispose();

    const modelJson = JSON.parse(readFileSync(path, 'utf8')) as LayersModelJson;
    const weightData = modelJson.weightsManifest[0]!.paths.map((p) => new Uint8Array(readFileSync(join(dir, p))).slice().buffer);
    const tfModel = await loadTfjs({ modelJson, weightData });
    expect(maxAbsDiff(predictTfjs(tfModel, x.data, x.shape), m.predict(x).data)).toBeLessThanOrEqual(1e-5);
    tfModel.dispose();
    m.dispose();
  });

  it('loads a model saved by TF.js as files', async () => {
    const tfModel = tf.sequential({
      layers: [tf.layers.gru({ units: H, inputShape: [null, F], returnSequences: true }), tf.layers.dense({ units: 1 })],
    });
    randomizeTfjs(tfModel, new Rng(4));
    const { modelJson, weights } = await saveTfjs(tfModel);
    const dir = join(root, 'from-tfjs');
    saveFiles(dir, modelJson, [weights]);
    const { model: m } = loadLayersModelFile(backends[0]![1](), join(dir, 'model.json'));
    expect(maxAbsDiff(m.predict(x).data, predictTfjs(tfModel, x.data, x.shape))).toBeLessThanOrEqual(1e-5);
    m.dispose();
    tfModel.dispose();
  });

  it('rejects shard paths outside the directory, missing or wrong-sized files, and bad JSON', () => {
    const m = model();
    const dir = join(root, 'hostile');
    const path = saveLayersModelFile(m, dir);
    m.dispose();
    const good = readFileSync(path, 'utf8');
    const withPaths = (paths: string[]) => {
      const j = JSON.parse(good) as LayersModelJson;
      j.weightsManifest[0]!.paths = paths;
      writeFileSync(path, JSON.stringify(j));
    };
    const load = () => loadLayersModelFile(backends[1]![1](), path);
    withPaths(['../bilstm/group1-shard1of3.bin']);
    expectCorrupt(
      load,
      /^weightsManifest\[0\]\.paths\[0\]: expected a path inside .*hostile, received "\.\.\/bilstm\/group1-shard1of3\.bin"$/,
    );
    withPaths(['/etc/hostname']);
    expectCorrupt(load, /^weightsManifest\[0\]\.paths\[0\]: expected a path inside .*, received "\/etc\/hostname"$/);
    withPaths(['missing.bin']);
    expectCorrupt(load, /^weightsManifest\[0\]\.paths\[0\]: expected an existing file, received .*missing\.bin \(ENOENT\)$/);
    writeFileSync(join(dir, 'short.bin'), new Uint8Array(8));
    withPaths(['short.bin']);
    expectCorrupt(load, /^weights of weightsManifest\[0\] \(short\.bin\): expected \d+ bytes, received 8 bytes$/);
    writeFileSync(path, '{"modelTopology": [');
    expectCorrupt(load, /model\.json: expected valid JSON, received /);
    expectCorrupt(
      () => loadLayersModelFile(backends[1]![1](), join(dir, 'nope.json')),
      /modelJsonPath: expected an existing file, received .*nope\.json \(ENOENT\)$/,
    );
  });
});

function saveFiles(dir: string, modelJson: LayersModelJson, shards: ArrayBuffer[]): void {
  mkdirSync(dir, { recursive: true });
  modelJson.weightsManifest[0]!.paths.forEach((p, k) => writeFileSync(join(dir, p), new Uint8Array(shards[k]!)));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
}
