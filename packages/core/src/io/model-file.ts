// The native model format (docs/model-format.md): one byte string holding a JSON manifest (architecture,
// loss, optimizer config, random-stream states, tensor table) and one little-endian weights blob
// (parameters, then optimizer slots), closed by a CRC-32 of everything before it.
//
//   0   8  magic "RNNMODEL"
//   8   4  u32 format version (1)
//   12  4  u32 manifest length M
//   16  M  UTF-8 JSON manifest
//   ..  N  blob (float32 or float64, per manifest.dtype)
//   end 4  u32 CRC-32 of all preceding bytes
//
// Loading never trusts the file: sizes are checked against the bytes actually present before anything is
// allocated, and every failure is a CorruptModelError naming what was wrong.
import type { Backend } from '../backend/contract.js';
import type { CellFactory } from '../cells/index.js';
import { CorruptModelError, RnnError } from '../errors.js';
import { type LayerFactory, layerFromConfig } from '../layers/from-config.js';
import { type LossConfig, lossFromConfig } from '../train/losses.js';
import { Sequential } from '../train/model.js';
import { type OptimizerConfig, optimizerFromConfig } from '../train/optimizers.js';
import { crc32 } from './crc32.js';

export const MODEL_FORMAT_VERSION = 1;
const MAGIC = 'RNNMODEL';
const HEADER = 16;
const TRAILER = 4;
/** Manifests are small (architecture + tensor table); anything larger is hostile. */
const MAX_MANIFEST = 16 * 1024 * 1024;
const MAX_LAYERS = 10_000;

interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset into the blob, in elements. */
  offset: number;
}

interface Manifest {
  format: 'rnn-model';
  version: number;
  dtype: 'float32' | 'float64';
  seed: number;
  layers: Record<string, unknown>[];
  loss: LossConfig;
  optimizer: { config: OptimizerConfig; step: number; slots: TensorEntry[][] };
  random: { model: number[]; layers: (number[] | null)[] };
  params: TensorEntry[];
  /** Elements in the blob. */
  elements: number;
}

/** Serialises the model: architecture, weights, optimizer state and random streams (training resumes exactly). */
export function saveModelBytes(model: Sequential): Uint8Array {
  const b = model.backend;
  const dtype = b.dtype;
  const chunks: ArrayLike<number>[] = [];
  let elements = 0;
  const entry = (name: string, shape: readonly number[], data: ArrayLike<number>): TensorEntry => {
    const e = { name, shape: [...shape], offset: elements };
    chunks.push(data);
    elements += data.length;
    return e;
  };
  const params = model.params.map((p) => entry(p.name, p.value.shape, b.read(p.value)));
  const opt = model.optimizer.getState(b, model.params);
  const slots = opt.slots.map((s, i) => s.map((d, k) => entry(`${model.params[i]!.name}#${k}`, model.params[i]!.value.shape, d)));
  const manifest: Manifest = {
    format: 'rnn-model',
    version: MODEL_FORMAT_VERSION,
    dtype,
    seed: model.seed,
    layers: model.layerConfigs(),
    loss: model.loss.toConfig(),
    optimizer: { config: model.optimizer.toConfig(), step: opt.step, slots },
    random: { model: model.rng.getState(), layers: model.layers.map((l) => l.getRandomState?.() ?? null) },
    params,
    elements,
  };
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const width = dtype === 'float32' ? 4 : 8;
  const out = new Uint8Array(HEADER + json.length + elements * width + TRAILER);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, HEADER);
  let pos = HEADER + json.length;
  for (const c of chunks)
    for (let i = 0; i < c.length; i++, pos += width)
      if (width === 4) view.setFloat32(pos, c[i]!, true);
      else view.setFloat64(pos, c[i]!, true);
  view.setUint32(pos, crc32(out.subarray(0, pos)), true);
  return out;
}

export interface LoadOptions {
  /** Factories for contributed cell kinds used in the file. */
  extraCells?: Readonly<Record<string, CellFactory>>;
  /** Factories for contributed layer kinds used in the file, by the `kind` of their config. */
  extraLayers?: Readonly<Record<string, LayerFactory>>;
}

const corrupt = (what: string, expected: string, received: unknown): CorruptModelError => new CorruptModelError(what, expected, received);

function isShape(s: unknown): s is number[] {
  return Array.isArray(s) && s.length > 0 && s.length <= 8 && s.every((d) => Number.isInteger(d) && d > 0 && d <= 2 ** 31);
}

function checkEntry(where: string, e: unknown, elements: number): TensorEntry {
  const t = e as TensorEntry;
  if (typeof t !== 'object' || t === null || typeof t.name !== 'string' || !isShape(t.shape) || !Number.isInteger(t.offset) || t.offset < 0)
    throw corrupt(where, 'a tensor entry { name, shape, offset }', e);
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (t.offset + size > elements)
    throw corrupt(`${where} (${t.name})`, `data inside the ${elements}-element blob`, `offset ${t.offset} + ${size} elements`);
  return t;
}

/** Reads a model written by saveModelBytes onto `backend`. Throws CorruptModelError on any damage. */
export function loadModelBytes(backend: Backend, bytes: Uint8Array, options: LoadOptions = {}): Sequential {
  if (!(bytes instanceof Uint8Array)) throw corrupt('bytes', 'a Uint8Array', bytes);
  if (bytes.length < HEADER + TRAILER) throw corrupt('file', `at least ${HEADER + TRAILER} bytes`, `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) throw corrupt('file.magic', `"${MAGIC}" (an rnn model file)`, JSON.stringify(magic));
  const version = view.getUint32(8, true);
  if (version !== MODEL_FORMAT_VERSION) throw corrupt('file.version', `format version ${MODEL_FORMAT_VERSION}`, version);
  const m = view.getUint32(12, true);
  if (m > MAX_MANIFEST || HEADER + m + TRAILER > bytes.length)
    throw corrupt('file.manifestLength', `at most ${Math.min(MAX_MANIFEST, bytes.length - HEADER - TRAILER)} bytes`, m);
  const end = bytes.length - TRAILER;
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual)
    throw corrupt('file.checksum', `CRC-32 ${actual.toString(16)} (the file is damaged or was altered)`, stored.toString(16));

  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER, HEADER + m)));
  } catch (e) {
    throw corrupt('file.manifest', 'valid UTF-8 JSON', e instanceof Error ? e.message : e);
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== 'rnn-model')
    throw corrupt('manifest.format', '"rnn-model"', manifest?.format);
  if (manifest.dtype !== 'float32' && manifest.dtype !== 'float64')
    throw corrupt('manifest.dtype', '"float32" or "float64"', manifest.dtype);
  const width = manifest.dtype === 'float32' ? 4 : 8;
  const blobBytes = end - HEADER - m;
  if (manifest.elements !== blobBytes / width)
    throw corrupt('manifest.elements', `${blobBytes / width} (the blob's size)`, manifest.elements);
  const elements = manifest.elements;
  if (!Array.isArray(manifest.layers) || manifest.layers.length === 0 || manifest.layers.length > MAX_LAYERS)
    throw corrupt('manifest.layers', `1 to ${MAX_LAYERS} layer configs`, manifest.layers);
  if (!Array.isArray(manifest.params)) throw corrupt('manifest.params', 'a tensor table', manifest.params);
  for (const key of ['optimizer', 'random'] as const)
    if (typeof manifest[key] !== 'object' || manifest[key] === null) throw corrupt(`manifest.${key}`, 'an object', manifest[key]);
  const params = manifest.params.map((e, i) => checkEntry(`manifest.params[${i}]`, e, elements));
  // The parameter count the architecture implies must fit in the blob before any layer allocates.
  const declared = manifest.layers.reduce((n, c) => n + parameterCount(c), 0);
  const present = params.reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
  if (declared > present)
    throw corrupt('manifest.layers', `an architecture with at most ${present} parameters (the tensor table)`, declared);

  const readTensor = (e: TensorEntry): Float64Array => {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const out = new Float64Array(size);
    let pos = HEADER + m + e.offset * width;
    for (let i = 0; i < size; i++, pos += width) out[i] = width === 4 ? view.getFloat32(pos, true) : view.getFloat64(pos, true);
    return out;
  };

  let model: Sequential | null = null;
  try {
    model = new Sequential(backend, {
      layers: manifest.layers.map((c) => layerFromConfig(c, options.extraCells, options.extraLayers)),
      loss: lossFromConfig(manifest.loss),
      optimizer: optimizerFromConfig(manifest.optimizer?.config),
      seed: manifest.seed,
    });
    if (params.length !== model.params.length)
      throw corrupt('manifest.params', `${model.params.length} tensors for this architecture`, params.length);
    model.params.forEach((p, i) => {
      const e = params[i]!;
      if (e.name !== p.name || e.shape.length !== p.value.shape.length || e.shape.some((d, k) => d !== p.value.shape[k]))
        throw corrupt(`manifest.params[${i}]`, `${p.name} [${p.value.shape.join(', ')}]`, `${e.name} [${e.shape.join(', ')}]`);
      backend.write(p.value, readTensor(e));
    });
    const opt = manifest.optimizer;
    if (!Array.isArray(opt.slots) || opt.slots.length !== model.params.length)
      throw corrupt('manifest.optimizer.slots', `${model.params.length} slot lists`, opt.slots);
    const slots = opt.slots.map((list, i) => {
      if (!Array.isArray(list)) throw corrupt(`manifest.optimizer.slots[${i}]`, 'a list of tensors', list);
      return list.map((e, k) => {
        const t = checkEntry(`manifest.optimizer.slots[${i}][${k}]`, e, elements);
        if (t.shape.reduce((a, b) => a * b, 1) !== model!.params[i]!.value.size)
          throw corrupt(`manifest.optimizer.slots[${i}][${k}]`, `${model!.params[i]!.value.size} elements`, t.shape);
        return readTensor(t);
      });
    });
    model.optimizer.setState(backend, model.params, { step: opt.step, slots });
    model.rng.setState(manifest.random?.model);
    const layerStates = manifest.random?.layers;
    if (!Array.isArray(layerStates) || layerStates.length !== model.layers.length)
      throw corrupt('manifest.random.layers', `${model.layers.length} entries`, layerStates);
    model.layers.forEach((l, i) => {
      const s = layerStates[i];
      if (s === null || s === undefined) return;
      if (!Array.isArray(s)) throw corrupt(`manifest.random.layers[${i}]`, 'a random-stream state (array of numbers)', s);
      l.setRandomState?.(s);
    });
    return model;
  } catch (e) {
    model?.dispose();
    if (e instanceof CorruptModelError) throw e;
    // A config the factories reject (zero units, unknown kind, bad hyperparameter) is a corrupt file here.
    if (RnnError.isInstance(e)) throw corrupt(`manifest (${e.argument})`, 'a valid model description', e.message);
    throw e;
  }
}

/** Parameters a layer config implies (0 for contributed cells, which are checked against the table after building). */
export function parameterCount(c: Record<string, unknown>): number {
  const n = (v: unknown): number => {
    if (!Number.isInteger(v) || (v as number) <= 0 || (v as number) > 2 ** 31)
      throw corrupt(`layer config (${String(c?.kind)})`, 'positive integer sizes', v);
    return v as number;
  };
  if (typeof c !== 'object' || c === null) throw corrupt('layer config', 'an object', c);
  switch (c.kind) {
    case 'dense':
      return n(c.inputSize) * n(c.outputSize) + (c.useBias === false ? 0 : n(c.outputSize));
    case 'embedding':
      return n(c.vocabSize) * n(c.embeddingSize);
    case 'recurrent': {
      const cell = c.cell as Record<string, unknown>;
      if (typeof cell !== 'object' || cell === null) throw corrupt('recurrent config', 'a cell config', cell);
      const gates = { rnn: 1, lstm: 4, gru: 3 }[cell.kind as string];
      if (gates === undefined) return 0;
      const I = n(cell.inputSize);
      const H = n(cell.hiddenSize);
      return gates * H * (I + H + 1 + (cell.kind === 'gru' && cell.resetAfter !== false ? 1 : 0));
    }
    case 'bidirectional':
      return parameterCount(c.forward as Record<string, unknown>) + parameterCount(c.backward as Record<string, unknown>);
    default:
      return 0;
  }
}

/** The model file as a Blob (browser downloads, IndexedDB, fetch bodies). */
export function saveModelBlob(model: Sequential): Blob {
  return new Blob([saveModelBytes(model) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
}

/** Reads a model file from a Blob or File (e.g. an <input type="file"> selection). */
export async function loadModelBlob(backend: Backend, blob: Blob, options: LoadOptions = {}): Promise<Sequential> {
  return loadModelBytes(backend, new Uint8Array(await blob.arrayBuffer()), options);
}
