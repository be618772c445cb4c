// What the models page does with a network (an imported TF.js or ONNX model, a core model file, or the network of
// a recent model) besides core's `model.summary()`: its name for titles, the input a "try it" box expects, and the
// export formats.
import { type HostTensor, InvalidArgumentError, type Sequential, saveModelBytes } from '@rnn/core';
import { exportOnnx, type LayersModelSource, toLayersModel, toTorchStateDict, type WeightBytes, writeSafetensors } from '@rnn/interop';

type Config = Record<string, unknown>;

const CELL: Readonly<Record<string, string>> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };
const cellName = (c: unknown): string => {
  const kind = String((c as Config | undefined)?.kind);
  return CELL[kind] ?? kind;
};

/** "BiLSTM 32", "GRU 16": the first recurrent layer, for titles. */
export function networkName(model: Sequential): string {
  for (const c of model.layerConfigs()) {
    if (c.kind === 'recurrent') return `${cellName(c.cell)} ${(c.cell as Config).hiddenSize}`;
    if (c.kind === 'bidirectional') {
      const cell = (c.forward as Config).cell as Config;
      return `Bi${cellName(cell)} ${cell.hiddenSize}`;
    }
  }
  return 'network';
}

/** What `predict` takes: token ids (a model that starts with an embedding) or `features` numbers per step. */
export type InputSpec = { tokens: number } | { features: number };

export function inputSpec(model: Sequential): InputSpec {
  const first = model.layerConfigs()[0]!;
  switch (first.kind) {
    case 'embedding':
      return { tokens: first.vocabSize as number };
    case 'recurrent':
      return { features: (first.cell as Config).inputSize as number };
    case 'bidirectional':
      return { features: ((first.forward as Config).cell as Config).inputSize as number };
    case 'dense':
      return { features: first.inputSize as number };
    default:
      throw new InvalidArgumentError('model.layers[0]', 'an embedding, recurrent, bidirectional or dense layer', first.kind);
  }
}

/** A placeholder input for the "try it" box: three steps. */
export function exampleInput(spec: InputSpec): string {
  if ('tokens' in spec) return JSON.stringify([1, 2, 3].map((t) => t % spec.tokens));
  return JSON.stringify(
    [0.5, -0.25, 1].map((v) => Array.from({ length: spec.features }, (_, f) => Number((v * (f % 2 ? -1 : 1)).toFixed(2)))),
  );
}

/**
 * The "try it" input, a JSON array: token ids `[T]` in [0, vocabulary) or steps `[T][F]` of finite numbers, as a
 * batch of one ([1, T] or [1, T, F]). Anything else is an InvalidArgumentError naming the place.
 */
export function parseInput(text: string, spec: InputSpec): HostTensor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError('input', 'a JSON array', e instanceof Error ? e.message : e);
  }
  const what = 'tokens' in spec ? `token ids: integers in [0, ${spec.tokens - 1}]` : `steps of ${spec.features} numbers each: [[x, …], …]`;
  if (!Array.isArray(value) || value.length === 0) throw new InvalidArgumentError('input', `a non-empty JSON array of ${what}`, value);
  if ('tokens' in spec) {
    value.forEach((v, t) => {
      if (!Number.isInteger(v) || v < 0 || v >= spec.tokens)
        throw new InvalidArgumentError(`input[${t}]`, `a token id in [0, ${spec.tokens - 1}]`, v);
    });
    return { data: Int32Array.from(value as number[]), shape: [1, value.length] };
  }
  const F = spec.features;
  const data = new Float32Array(value.length * F);
  value.forEach((step, t) => {
    if (!Array.isArray(step) || step.length !== F)
      throw new InvalidArgumentError(`input[${t}]`, `an array of ${F} numbers (one step)`, step);
    step.forEach((v, f) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`input[${t}][${f}]`, 'a finite number', v);
      data[t * F + f] = v;
    });
  });
  return { data, shape: [1, value.length, F] };
}

export const EXPORT_FORMATS = ['native', 'onnx', 'tfjs', 'safetensors'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_LABELS: Readonly<Record<ExportFormat, string>> = {
  native: 'rnn model file (.rnnmodel)',
  onnx: 'ONNX (.onnx)',
  tfjs: 'TF.js layers (model.json + weights .bin)',
  safetensors: 'PyTorch state_dict (.safetensors)',
};

export interface ExportedFile {
  name: string;
  bytes: Uint8Array;
  type: string;
}

/**
 * The files of `model` in `format`, named after `base`. TF.js gives model.json and its shards under the names the
 * manifest uses (keep them in one directory for tf.loadLayersModel). Layers a format cannot express are interop's
 * UnsupportedError.
 */
export function exportFiles(model: Sequential, format: ExportFormat, base: string): ExportedFile[] {
  const binary = 'application/octet-stream';
  switch (format) {
    case 'native':
      return [{ name: `${base}.rnnmodel`, bytes: saveModelBytes(model), type: binary }];
    case 'onnx':
      return [{ name: `${base}.onnx`, bytes: exportOnnx(model), type: binary }];
    case 'tfjs': {
      const { modelJson, weightData } = toLayersModel(model);
      const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
      return [
        { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)), type: 'application/json' },
        ...weightData.map((w, i) => ({ name: paths[i]!, bytes: new Uint8Array(w), type: binary })),
      ];
    }
    case 'safetensors': {
      const heads = model.layerConfigs().filter((c) => c.kind === 'dense').length;
      const names = {
        embedding: 'embedding',
        rnn: 'rnn',
        head: heads === 1 ? 'head' : Array.from({ length: heads }, (_, i) => `head${i}`),
      };
      return [{ name: `${base}.safetensors`, bytes: writeSafetensors(toTorchStateDict(model, names), { format: 'pt' }), type: binary }];
    }
    default:
      throw new InvalidArgumentError('format', EXPORT_FORMATS.join(', '), format);
  }
}

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/**
 * The TF.js files a user chose, as loadLayersModel's source: the one `.json` file is model.json, the others are
 * matched to the manifest's shard paths by file name. A shard that was not chosen is passed as missing, so interop
 * names it in its error.
 */
export function layersModelSource(files: readonly NamedBytes[]): LayersModelSource {
  const json = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (json.length !== 1)
    throw new InvalidArgumentError('files', 'one model.json and its .bin weight files', files.map((f) => f.name).join(', ') || 'no files');
  const modelJson = new TextDecoder().decode(json[0]!.bytes);
  let manifest: unknown;
  try {
    manifest = (JSON.parse(modelJson) as { weightsManifest?: unknown }).weightsManifest;
  } catch {
    return { modelJson, weights: [] }; // loadLayersModel names the JSON error
  }
  const paths = Array.isArray(manifest) ? manifest.flatMap((g: { paths?: unknown }) => (Array.isArray(g?.paths) ? g.paths : [])) : [];
  const byName = new Map(files.map((f) => [f.name, f.bytes]));
  const baseName = (p: unknown): string => String(p).split('/').pop()!;
  return { modelJson, weights: paths.map((p) => byName.get(baseName(p))) as WeightBytes[] };
}
