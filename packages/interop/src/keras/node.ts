// Node file helpers for TF.js layers models: a directory with model.json and its shard files (re-exported from
// @rnn/interop/node; the main entry stays free of node:fs so it runs in browsers).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { type Backend, CorruptModelError, describe, type Sequential } from '@rnn/core';
import { writeFileAtomic } from '@rnn/core/node';
import { isObject } from './format.js';
import { type LoadedLayersModel, type LoadLayersModelOptions, loadLayersModel } from './load.js';
import { type ToLayersModelOptions, toLayersModel } from './save.js';
import { checkManifest } from './weights.js';

const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Loads `model.json` and the shard files it lists (paths relative to its directory, which they may not leave).
 * File sizes are checked against the manifest before anything is read.
 */
export function loadLayersModelFile(backend: Backend, modelJsonPath: string, options: LoadLayersModelOptions = {}): LoadedLayersModel {
  const size = fileSize(modelJsonPath, 'modelJsonPath');
  if (size > MAX_JSON_BYTES) throw new CorruptModelError(modelJsonPath, `at most ${MAX_JSON_BYTES} bytes of model.json`, `${size} bytes`);
  const text = readFileSync(modelJsonPath, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CorruptModelError(modelJsonPath, 'valid JSON', (e as Error).message);
  }
  if (!isObject(json)) throw new CorruptModelError(modelJsonPath, 'a model.json object', describe(json));
  const dir = dirname(resolve(modelJsonPath));
  const groups = checkManifest(json.weightsManifest);
  const shards: Uint8Array[] = [];
  groups.forEach((g, gi) => {
    const files = g.paths.map((p, k) => {
      const at = `weightsManifest[${gi}].paths[${k}]`;
      const file = resolve(dir, p);
      const rel = relative(dir, file);
      if (isAbsolute(p) || rel.startsWith('..') || isAbsolute(rel)) throw new CorruptModelError(at, `a path inside ${dir}`, describe(p));
      return { file, size: fileSize(file, at) };
    });
    const bytes = files.reduce((n, f) => n + f.size, 0);
    if (bytes !== g.bytes)
      throw new CorruptModelError(`weights of weightsManifest[${gi}] (${g.paths.join(', ')})`, `${g.bytes} bytes`, `${bytes} bytes`);
    for (const f of files) shards.push(new Uint8Array(readFileSync(f.file)));
  });
  return loadLayersModel(backend, { modelJson: json as never, weights: shards }, options);
}

function fileSize(path: string, at: string): number {
  try {
    return statSync(path).size;
  } catch (e) {
    throw new CorruptModelError(at, 'an existing file', `${path} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/**
 * Writes `dir/model.json` and its shard files (atomically, each written then renamed; model.json last, so an
 * interrupted save never leaves a model.json pointing at missing shards). Returns the model.json path.
 */
export function saveLayersModelFile(model: Sequential, dir: string, options: ToLayersModelOptions = {}): string {
  const { modelJson, weightData } = toLayersModel(model, options);
  mkdirSync(dir, { recursive: true });
  modelJson.weightsManifest[0]!.paths.forEach((p, k) => writeFileAtomic(join(dir, p), new Uint8Array(weightData[k]!)));
  const path = join(dir, 'model.json');
  writeFileAtomic(path, JSON.stringify(modelJson));
  return path;
}
