// The native model format (docs/model-format.md): in the checksummed container (container.ts) with magic
// "RNNMODEL", a JSON manifest (architecture, loss, optimizer config, random-stream states, tensor table) and one
// weights blob (parameters, then optimizer slots) in the saving backend's dtype.
//
// Loading never trusts the file: the container checks the framing, and the tensor table and the parameter count
// the architecture implies are checked against the blob before anything is allocated.
import type { Backend } from '../backend/contract.js';
import type { CellFactory } from '../cells/index.js';
import { CorruptModelError, RnnError } from '../errors.js';
import { type LayerFactory, layerFromConfig } from '../layers/from-config.js';
import { type LossConfig, lossFromConfig } from '../train/losses.js';
import { Sequential } from '../train/model.js';
import { type OptimizerConfig, optimizerFromConfig } from '../train/optimizers.js';
import { BlobWriter, type ContainerFormat, readContainer, type TensorEntry, writeContainer } from './container.js';

export const MODEL_FORMAT_VERSION = 1;
const FORMAT: ContainerFormat = {
  magic: 'RNNMODEL',
  version: MODEL_FORMAT_VERSION,
  description: 'an rnn model file',
  maxManifestBytes: 16 * 1024 * 1024,
};
const MAX_LAYERS = 10_000;

/** A tensor table entry as written: { name, shape, offset } (offset into the blob, in elements). */
type TableEntry = Omit<TensorEntry, 'size'>;

interface Manifest {
  format: 'rnn-model';
  version: number;
  dtype: 'float32' | 'float64';
  seed: number;
  layers: Record<string, unknown>[];
  loss: LossConfig;
  optimizer: { config: OptimizerConfig; step: number; slots: TableEntry[][] };
  random: { model: number[]; layers: (number[] | null)[] };
  params: TableEntry[];
  /** Elements in the blob. */
  elements: number;
}

/** Serialises the model: architecture, weights, optimizer state and random streams (training resumes exactly). */
export function saveModelBytes(model: Sequential): Uint8Array {
  const b = model.backend;
  const blob = new BlobWriter();
  const entry = (name: string, shape: readonly number[], data: ArrayLike<number>): TableEntry => ({
    name,
    shape: [...shape],
    offset: blob.add(data),
  });
  const params = model.params.map((p) => entry(p.name, p.value.shape, b.read(p.value)));
  const opt = model.optimizer.getState(b, model.params);
  const slots = opt.slots.map((s, i) => s.map((d, k) => entry(`${model.params[i]!.name}#${k}`, model.params[i]!.value.shape, d)));
  const manifest: Manifest = {
    format: 'rnn-model',
    version: MODEL_FORMAT_VERSION,
    dtype: b.dtype,
    seed: model.seed,
    layers: model.layerConfigs(),
    loss: model.loss.toConfig(),
    optimizer: { config: model.optimizer.toConfig(), step: opt.step, slots },
    random: { model: model.rng.getState(), layers: model.layers.map((l) => l.getRandomState?.() ?? null) },
    params,
    elements: blob.elements,
  };
  return writeContainer(FORMAT, manifest, blob, b.dtype);
}

export interface LoadOptions {
  /** Factories for contributed cell kinds used in the file. */
  extraCells?: Readonly<Record<string, CellFactory>>;
  /** Factories for contributed layer kinds used in the file, by the `kind` of their config. */
  extraLayers?: Readonly<Record<string, LayerFactory>>;
}

const corrupt = (what: string, expected: string, received: unknown): CorruptModelError => new CorruptModelError(what, expected, received);

/** Reads a model written by saveModelBytes onto `backend`. Throws CorruptModelError on any damage. */
export function loadModelBytes(backend: Backend, bytes: Uint8Array, options: LoadOptions = {}): Sequential {
  const file = readContainer(FORMAT, bytes);
  const manifest = file.manifest as unknown as Manifest;
  if (manifest.format !== 'rnn-model') throw corrupt('manifest.format', '"rnn-model"', manifest.format);
  const blob = file.blob(manifest.dtype, manifest.elements);
  if (!Array.isArray(manifest.layers) || manifest.layers.length === 0 || manifest.layers.length > MAX_LAYERS)
    throw corrupt('manifest.layers', `1 to ${MAX_LAYERS} layer configs`, manifest.layers);
  if (!Array.isArray(manifest.params)) throw corrupt('manifest.params', 'a tensor table', manifest.params);
  for (const key of ['optimizer', 'random'] as const)
    if (typeof manifest[key] !== 'object' || manifest[key] === null) throw corrupt(`manifest.${key}`, 'an object', manifest[key]);
  const params = manifest.params.map((e, i) => blob.entry(`manifest.params[${i}]`, e));
  // The parameter count the architecture implies must fit in the blob before any layer allocates.
  const declared = manifest.layers.reduce((n, c) => n + parameterCount(c), 0);
  const present = params.reduce((n, e) => n + e.size, 0);
  if (declared > present)
    throw corrupt('manifest.layers', `an architecture with at most ${present} parameters (the tensor table)`, declared);

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
      backend.write(p.value, blob.read(e.offset, e.size));
    });
    const opt = manifest.optimizer;
    if (!Array.isArray(opt.slots) || opt.slots.length !== model.params.length)
      throw corrupt('manifest.optimizer.slots', `${model.params.length} slot lists`, opt.slots);
    const slots = opt.slots.map((list, i) => {
      if (!Array.isArray(list)) throw corrupt(`manifest.optimizer.slots[${i}]`, 'a list of tensors', list);
      return list.map((e, k) => {
        const t = blob.entry(`manifest.optimizer.slots[${i}][${k}]`, e);
        if (t.size !== model!.params[i]!.value.size)
          throw corrupt(`manifest.optimizer.slots[${i}][${k}]`, `${model!.params[i]!.value.size} elements`, t.shape);
        return blob.read(t.offset, t.size);
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
