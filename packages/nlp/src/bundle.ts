// The file format of the NLP models (EntityTagger, Translator, LanguageModel, TextClassifier): core's checksummed
// container (docs/model-format.md) with magic "RNNNLPMD", version 1, the manifest
// { ...payload, kind, dtype, tensors: [{ name, shape, offset }], elements } (model kind, configuration,
// vocabularies) and the named weight tensors in the backend's dtype, so a round trip is exact.
// Loading checks every size against the bytes present and throws CorruptModelError naming what is wrong.
import {
  type Backend,
  BlobWriter,
  type ContainerFormat,
  CorruptModelError,
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
  readContainer,
  Sequential,
  writeContainer,
} from '@rnn/core';

const FORMAT: ContainerFormat = { magic: 'RNNNLPMD', version: 1, description: 'an @rnn/nlp model file' };

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
  const blob = new BlobWriter();
  const table = tensors.map((t) => ({ name: t.name, shape: [...t.shape], offset: blob.add(t.data) }));
  return writeContainer(FORMAT, { ...payload, kind, dtype, tensors: table, elements: blob.elements }, blob, dtype);
}

export function readBundle(bytes: Uint8Array, kind: string): Bundle {
  const file = readContainer(FORMAT, bytes);
  const { kind: fileKind, dtype, tensors: table, elements, ...payload } = file.manifest;
  if (fileKind !== kind) throw new CorruptModelError('manifest.kind', `"${kind}"`, fileKind);
  const blob = file.blob(dtype, elements);
  if (!Array.isArray(table)) throw new CorruptModelError('manifest.tensors', 'a tensor table', table);
  const tensors = new Map<string, { shape: number[]; data: Float64Array }>();
  table.forEach((e, i) => {
    const t = blob.entry(`manifest.tensors[${i}]`, e);
    tensors.set(t.name, { shape: t.shape, data: blob.read(t.offset, t.size) });
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
/** Weights of an LSTM layer: kernel [I, 4H], recurrent kernel [H, 4H] and bias [4H]. */
export const lstmParameters = (inputSize: number, hiddenSize: number): number => 4 * hiddenSize * (inputSize + hiddenSize + 1);

/**
 * Refuses a file whose configuration implies more weights than its tensors hold, before anything is built: a
 * hostile manifest (hiddenSize 10^6) must not make the loader allocate gigabytes.
 */
export function checkDeclaredParameters(bundle: Bundle, declared: number, argument: string): void {
  let present = 0;
  for (const t of bundle.tensors.values()) present += t.data.length;
  if (!(declared <= present))
    throw new CorruptModelError(argument, `a configuration with at most ${present} parameters (the tensors present)`, declared);
}

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
  checkDeclaredParameters(
    bundle,
    layers.reduce((n, c) => n + layerConfigParameterCount(c), 0),
    'manifest.model.layers',
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
