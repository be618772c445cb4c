// The file format of the NLP models (EntityTagger, Translator, LanguageModel, TextClassifier): a JSON manifest (model kind, configuration,
// vocabularies) and the named weight tensors, in one byte string closed by a CRC-32, laid out like core's model
// files:
//   0   8  magic "RNNNLPMD"
//   8   4  u32 format version (1)
//   12  4  u32 manifest length M
//   16  M  UTF-8 JSON manifest { kind, dtype, tensors: [{ name, shape, offset }], elements, ...payload }
//   ..  N  weights, little-endian float32 or float64 (the backend's dtype, so a round trip is exact)
//   end 4  u32 CRC-32 of all preceding bytes
// Loading checks every size against the bytes present and throws CorruptModelError naming what is wrong.
import {
  type Backend,
  CorruptModelError,
  crc32,
  type DType,
  type FloatArray,
  type LayerFactory,
  type LossConfig,
  layerConfigParameterCount,
  layerFromConfig,
  lossFromConfig,
  type OptimizerConfig,
  optimizerFromConfig,
  RnnError,
  Sequential,
} from '@rnn/core';

const MAGIC = 'RNNNLPMD';
const VERSION = 1;
const HEADER = 16;
const TRAILER = 4;
const MAX_MANIFEST = 64 * 1024 * 1024;

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: ArrayLike<number>;
}

export interface Bundle {
  kind: string;
  /** Everything else the model keeps in its manifest (configuration, vocabularies). */
  payload: Record<string, unknown>;
  tensors: Map<string, { shape: number[]; data: Float64Array }>;
}

export function writeBundle(kind: string, payload: Record<string, unknown>, tensors: readonly NamedTensor[], dtype: DType): Uint8Array {
  let elements = 0;
  const table = tensors.map((t) => {
    const entry = { name: t.name, shape: [...t.shape], offset: elements };
    elements += t.data.length;
    return entry;
  });
  const json = new TextEncoder().encode(JSON.stringify({ ...payload, kind, dtype, tensors: table, elements }));
  const width = dtype === 'float32' ? 4 : 8;
  const out = new Uint8Array(HEADER + json.length + elements * width + TRAILER);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, HEADER);
  let pos = HEADER + json.length;
  for (const t of tensors)
    for (let i = 0; i < t.data.length; i++, pos += width)
      if (width === 4) view.setFloat32(pos, t.data[i]!, true);
      else view.setFloat64(pos, t.data[i]!, true);
  view.setUint32(pos, crc32(out.subarray(0, pos)), true);
  return out;
}

export function readBundle(bytes: Uint8Array, kind: string): Bundle {
  const corrupt = (what: string, expected: string, received: unknown) => new CorruptModelError(what, expected, received);
  if (!(bytes instanceof Uint8Array)) throw corrupt('bytes', 'a Uint8Array', bytes);
  if (bytes.length < HEADER + TRAILER) throw corrupt('file', `at least ${HEADER + TRAILER} bytes`, `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) throw corrupt('file.magic', `"${MAGIC}" (an @rnn/nlp model file)`, magic);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw corrupt('file.version', `format version ${VERSION}`, version);
  const m = view.getUint32(12, true);
  if (m > MAX_MANIFEST || HEADER + m + TRAILER > bytes.length)
    throw corrupt('file.manifestLength', `at most ${Math.min(MAX_MANIFEST, bytes.length - HEADER - TRAILER)} bytes`, m);
  const end = bytes.length - TRAILER;
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual)
    throw corrupt('file.checksum', `CRC-32 ${actual.toString(16)} (the file is damaged or was altered)`, stored.toString(16));
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER, HEADER + m)));
  } catch (e) {
    throw corrupt('file.manifest', 'valid UTF-8 JSON', e instanceof Error ? e.message : e);
  }
  if (typeof manifest !== 'object' || manifest === null) throw corrupt('manifest', 'an object', manifest);
  const { kind: fileKind, dtype, tensors: table, elements, ...payload } = manifest;
  if (fileKind !== kind) throw corrupt('manifest.kind', `"${kind}"`, fileKind);
  if (dtype !== 'float32' && dtype !== 'float64') throw corrupt('manifest.dtype', '"float32" or "float64"', dtype);
  const width = dtype === 'float32' ? 4 : 8;
  const blob = end - HEADER - m;
  if (elements !== blob / width) throw corrupt('manifest.elements', `${blob / width} (the weights' size)`, elements);
  if (!Array.isArray(table)) throw corrupt('manifest.tensors', 'a tensor table', table);
  const tensors = new Map<string, { shape: number[]; data: Float64Array }>();
  table.forEach((e: { name?: unknown; shape?: unknown; offset?: unknown }, i) => {
    const shape = e?.shape;
    if (
      typeof e?.name !== 'string' ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isInteger(d) && d > 0) ||
      !Number.isInteger(e.offset) ||
      (e.offset as number) < 0
    )
      throw corrupt(`manifest.tensors[${i}]`, 'a tensor entry { name, shape, offset }', e);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    const offset = e.offset as number;
    if (offset + size > (elements as number))
      throw corrupt(
        `manifest.tensors[${i}] (${e.name})`,
        `data inside the ${elements}-element blob`,
        `offset ${offset} + ${size} elements`,
      );
    const data = new Float64Array(size);
    let pos = HEADER + m + offset * width;
    for (let k = 0; k < size; k++, pos += width) data[k] = width === 4 ? view.getFloat32(pos, true) : view.getFloat64(pos, true);
    tensors.set(e.name, { shape: shape as number[], data });
  });
  return { kind, payload, tensors };
}

/** Writes each parameter's stored values, checking that the file has every one with the right shape. */
export function restoreWeights(
  bundle: Bundle,
  params: readonly { name: string; value: { shape: readonly number[] } }[],
  write: (index: number, data: FloatArray) => void,
): void {
  if (bundle.tensors.size !== params.length)
    throw new CorruptModelError('manifest.tensors', `${params.length} tensors for this architecture`, bundle.tensors.size);
  params.forEach((p, i) => {
    const t = bundle.tensors.get(p.name);
    if (!t) throw new CorruptModelError(`manifest.tensors (${p.name})`, 'a tensor for every parameter', 'missing');
    if (t.shape.length !== p.value.shape.length || t.shape.some((d, k) => d !== p.value.shape[k]))
      throw new CorruptModelError(`manifest.tensors (${p.name})`, `shape [${p.value.shape.join(', ')}]`, `[${t.shape.join(', ')}]`);
    write(i, t.data);
  });
}

/** Builds a model from a file's description and restores its weights; any failure frees what was built and is a CorruptModelError. */
export function rebuild<T extends { dispose(): void }>(build: () => T, restore: (model: T) => void): T {
  let model: T | null = null;
  try {
    model = build();
    restore(model);
    return model;
  } catch (e) {
    model?.dispose();
    if (e instanceof CorruptModelError || !RnnError.isInstance(e)) throw e;
    throw new CorruptModelError(`manifest (${e.argument})`, 'a valid model description', e.message);
  }
}

/** A Sequential's architecture in a bundle's manifest; its parameters are the bundle's tensors. */
export interface SequentialJson {
  layers: Record<string, unknown>[];
  loss: LossConfig;
  /** The optimizer's settings (not its state: a loaded model trains on with fresh moments). */
  optimizer: OptimizerConfig;
  seed: number;
}

export function sequentialJson(model: Sequential): SequentialJson {
  return { layers: model.layerConfigs(), loss: model.loss.toConfig(), optimizer: model.optimizer.toConfig(), seed: model.seed };
}

/** The model's parameters as bundle tensors, in the backend's dtype. */
export function sequentialTensors(model: Sequential): NamedTensor[] {
  const weights = model.getWeights();
  return model.params.map((p) => ({ name: p.name, shape: p.value.shape, data: weights[p.name]! }));
}

const MAX_LAYERS = 10_000;

/**
 * Rebuilds the Sequential a bundle describes (`json`, from sequentialJson) with the bundle's weights. The parameter
 * count the layer configs imply is checked against the weights present before any layer allocates.
 */
export function rebuildSequential(
  backend: Backend,
  bundle: Bundle,
  json: unknown,
  extraLayers: Readonly<Record<string, LayerFactory>> = {},
): Sequential {
  const j = json as Partial<SequentialJson> | null;
  if (typeof j !== 'object' || j === null)
    throw new CorruptModelError('manifest.model', 'a model description { layers, loss, optimizer, seed }', j);
  const layers = j.layers;
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > MAX_LAYERS)
    throw new CorruptModelError('manifest.model.layers', `1 to ${MAX_LAYERS} layer configs`, layers);
  const declared = layers.reduce((n, c) => n + layerConfigParameterCount(c), 0);
  let present = 0;
  for (const t of bundle.tensors.values()) present += t.data.length;
  if (declared > present)
    throw new CorruptModelError(
      'manifest.model.layers',
      `an architecture with at most ${present} parameters (the tensors present)`,
      declared,
    );
  return rebuild(
    () =>
      new Sequential(backend, {
        layers: layers.map((c) => layerFromConfig(c, {}, extraLayers)),
        loss: lossFromConfig(j.loss as LossConfig),
        optimizer: optimizerFromConfig(j.optimizer as OptimizerConfig),
        seed: j.seed as number,
      }),
    (m) => restoreWeights(bundle, m.params, (i, data) => backend.write(m.params[i]!.value, data)),
  );
}
